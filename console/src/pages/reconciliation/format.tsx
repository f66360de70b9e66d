import { NAMED_CHANNELS } from '../../api/reconciliation.ts';
import { humanize } from '../../lib/format.ts';
import { useSession } from '../../session/session.tsx';

const TONE: Record<string, string> = {
  pending: 'warn',
  in_progress: 'info',
  resolved: 'ok',
  running: 'info',
  completed: 'ok',
  failed: 'bad',
  balanced: 'ok',
  discrepancies: 'bad',
};

/** Run statuses, day results and discrepancy states, coloured by meaning. */
export function ReconBadge({ value }: { value: string }) {
  return (
    <span className={`badge badge-${TONE[value] ?? 'neutral'}`} data-status={value}>
      {humanize(value)}
    </span>
  );
}

/** Operators and admins handle discrepancies and start runs; viewers only look (the server checks anyway). */
export function useCanHandle(): boolean {
  const { me } = useSession();
  return me.role === 'admin' || me.scopes.includes('admin') || me.scopes.includes('reconciliation:write');
}

export const CHANNEL_OPTIONS = [...NAMED_CHANNELS];

/** `generic:shopify` → the select's value `generic` and the name; a named channel as itself. */
export function splitChannel(channel: string): { kind: string; name: string } {
  return channel.startsWith('generic:') ? { kind: 'generic', name: channel.slice('generic:'.length) } : { kind: channel, name: '' };
}

export function joinChannel(kind: string, name: string): string {
  return kind === 'generic' ? `generic:${name.trim()}` : kind;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

/** A filter of the list pages: one of `values` or any; plain (read on submit) unless `onChange` is given. */
export function FilterSelect({ label, name, values, value, onChange }: { label: string; name: string; values: readonly string[]; value: string; onChange?(value: string): void }) {
  const control = onChange ? { value, onChange: (e: { target: { value: string } }) => onChange(e.target.value) } : { defaultValue: value };
  return (
    <label className="filter">
      <span>{label}</span>
      <select name={name} {...control}>
        <option value="">Any</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {humanize(v)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The channel filter: free text, since `generic:NAME` channels are whatever mappings were saved. */
export function ChannelFilter({ value }: { value: string }) {
  return (
    <label className="filter">
      <span>Channel</span>
      <input name="channel" defaultValue={value} key={value} placeholder="wechat, generic:NAME…" />
    </label>
  );
}
