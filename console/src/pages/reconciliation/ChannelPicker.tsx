import { CHANNEL_OPTIONS } from './format.tsx';

/** A named channel, or `generic:NAME` (a saved mapping) with its name typed in. */
export function ChannelPicker({ kind, name, onKind, onName, idPrefix }: { kind: string; name: string; onKind(v: string): void; onName(v: string): void; idPrefix: string }) {
  return (
    <div className="inline">
      <select id={`${idPrefix}-channel`} aria-label="Channel" value={kind} onChange={(e) => onKind(e.target.value)}>
        {CHANNEL_OPTIONS.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
        <option value="generic">generic:NAME (saved mapping)</option>
      </select>
      {kind === 'generic' && <input aria-label="Mapping name" placeholder="mapping name" pattern="[a-z0-9][a-z0-9_\-]{0,39}" required value={name} onChange={(e) => onName(e.target.value)} />}
    </div>
  );
}
