export { toJsonSafe } from './json.ts';
export { appendEvent, listEvents, type DomainEvent } from './outbox.ts';
export { writeAudit, type AuditEntry } from './audit.ts';
