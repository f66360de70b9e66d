import type { CampaignStatus } from '../../api/types.ts';
import { humanize } from '../../lib/format.ts';

const TONE: Record<CampaignStatus, string> = { active: 'ok', scheduled: 'info', paused: 'warn', ended: 'muted' };

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  return (
    <span className={`badge badge-${TONE[status] ?? 'neutral'}`} data-status={status}>
      {humanize(status)}
    </span>
  );
}
