export { toJsonSafe } from './json.ts';
export { appendEvent, appendEvents, listEvents, type DomainEvent, type NewEvent } from './outbox.ts';
export { writeAudit, type AuditEntry } from './audit.ts';
export { SYSTEM, actorLabel, type Actor } from './actor.ts';
