import { useEffect, useId, useState } from 'react';
import { estimateDraft, estimatePoints, type DraftEstimate } from '../../api/rewards.ts';
import { REWARD_REASONS, type Campaign, type CampaignContent, type Estimate } from '../../api/types.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { parseMajor } from '../../lib/money.ts';
import { Link } from '../../lib/router.tsx';
import { localInputToIso } from './campaignForm.ts';
import { formatPoints } from './format.ts';

const DEBOUNCE_MS = 300;

export interface PreviewInput {
  customer_id: string;
  amount: string;
  currency: string;
  merchant_id: string;
  payment_method: string;
  /** `datetime-local`; empty: now. */
  at: string;
}

export const EMPTY_PREVIEW: PreviewInput = { customer_id: '', amount: '', currency: 'JPY', merchant_id: '', payment_method: 'card', at: '' };

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

type Checked = { ok: true; body: Parameters<typeof estimatePoints>[0] } | { ok: false; message: string | null };

function check(input: PreviewInput): Checked {
  const customer = input.customer_id.trim();
  const merchant = input.merchant_id.trim();
  const method = input.payment_method.trim();
  const currency = input.currency.trim().toUpperCase();
  if (!customer || !input.amount.trim() || !merchant || !method) return { ok: false, message: null };
  if (!ID.test(customer)) return { ok: false, message: 'The customer id has characters an id cannot have.' };
  if (!ID.test(merchant)) return { ok: false, message: 'The merchant id has characters an id cannot have.' };
  if (!/^[a-z][a-z0-9_.-]{0,31}$/.test(method)) return { ok: false, message: 'A payment method is lower case, e.g. card or wallet.' };
  if (!/^[A-Z]{3}$/.test(currency)) return { ok: false, message: 'The currency is a three-letter code, e.g. JPY.' };
  const amount = parseMajor(input.amount, currency);
  if (!amount.ok) return { ok: false, message: amount.message };
  let at: string | undefined;
  if (input.at) {
    const iso = localInputToIso(input.at);
    if (!iso) return { ok: false, message: 'Enter a complete date and time, or leave it empty for now.' };
    at = iso;
  }
  return { ok: true, body: { customer_id: customer, amount: amount.minor, currency, merchant_id: merchant, payment_method: method, ...(at ? { at } : {}) } };
}

function Reasons({ reasons }: { reasons: Estimate['campaigns'][number]['reasons'] }) {
  return (
    <ul className="reasons" data-field="reasons">
      {reasons.map((r) => (
        <li key={r} data-reason={r}>
          <code>{r}</code> <span className="muted">{REWARD_REASONS[r] ?? ''}</span>
        </li>
      ))}
    </ul>
  );
}

interface Props {
  /** The campaign being edited, as saved (absent for a campaign not saved yet). */
  campaign: Campaign | null;
  /** The editor has changes not saved. */
  dirty: boolean;
  /** The form's content when it has unsaved edits that are valid (or a new campaign's): previewed as edited. */
  draft: CampaignContent | null;
  input: PreviewInput;
  onInput(input: PreviewInput): void;
}

/** Both answers as one: the plain estimate's rows are none of them the draft. */
const asDraftEstimate = (e: Estimate): DraftEstimate => ({ ...e, campaigns: e.campaigns.map((c) => ({ ...c, draft: false })) });

/**
 * What a payment would earn, asked as the operator types — before caps, from the server's
 * snapshot of the saved campaigns in force. With unsaved edits (or a campaign not saved yet) that
 * are valid, of `POST /v1/rewards/estimate/draft`: this campaign as edited, the others as saved;
 * otherwise of `POST /v1/rewards/estimate`: this campaign as saved.
 */
export function EstimatePreview({ campaign, dirty, draft, input, onInput }: Props) {
  const [estimate, setEstimate] = useState<DraftEstimate | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const id = useId();
  const checked = check(input);
  const requestKey = checked.ok ? JSON.stringify(draft ? { ...checked.body, campaign: { ...draft, id: campaign?.id ?? null, version: campaign?.version ?? 0 } } : checked.body) : '';
  const version = campaign?.version ?? 0;

  useEffect(() => {
    if (!requestKey) {
      setPending(false);
      return;
    }
    const controller = new AbortController();
    setPending(true);
    const timer = window.setTimeout(() => {
      const body = JSON.parse(requestKey);
      (body.campaign ? estimateDraft(body, controller.signal) : estimatePoints(body, controller.signal).then(asDraftEstimate)).then(
        (answer) => {
          setEstimate(answer);
          setError(null);
          setPending(false);
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          setEstimate(null);
          setError(err);
          setPending(false);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [requestKey, version]);

  const set = (key: keyof PreviewInput, value: string) => onInput({ ...input, [key]: value });
  const shown = requestKey ? estimate : null;
  const isThis = (c: DraftEstimate['campaigns'][number]) => c.draft || (!draft && c.campaign_id === campaign?.id);
  const mine = shown ? shown.campaigns.find(isThis) : undefined;

  return (
    <section className="card preview" aria-labelledby={`${id}-title`} data-testid="estimate-preview">
      <h2 id={`${id}-title`} className="card-title">
        Estimate preview
      </h2>
      <p className="preview-note" data-testid="preview-note">
        {draft ? (
          <>
            Preview of <strong>{campaign ? `your unsaved edits to version ${campaign.version}` : 'this campaign as filled in (not saved yet)'}</strong>, with every other saved campaign in
            force.
          </>
        ) : campaign ? (
          <>
            Preview of the <strong>saved version {campaign.version}</strong> and every other saved campaign in force
            {dirty ? <span className="text-warn"> — your edits have errors, so the saved version is shown; correct them to preview.</span> : '.'}
          </>
        ) : (
          <>This campaign is not complete yet: the preview shows the saved campaigns in force.</>
        )}{' '}
        Caps are not applied (the grant applies them).
      </p>
      <form className="preview-inputs" onSubmit={(e) => e.preventDefault()} aria-label="Payment to estimate">
        <label className="filter">
          <span>Customer id</span>
          <input value={input.customer_id} onChange={(e) => set('customer_id', e.target.value)} autoComplete="off" />
        </label>
        <label className="filter">
          <span>Amount</span>
          <input value={input.amount} inputMode="decimal" onChange={(e) => set('amount', e.target.value)} autoComplete="off" />
        </label>
        <label className="filter filter-narrow">
          <span>Currency</span>
          <input value={input.currency} maxLength={3} onChange={(e) => set('currency', e.target.value.toUpperCase())} />
        </label>
        <label className="filter">
          <span>Merchant id</span>
          <input value={input.merchant_id} onChange={(e) => set('merchant_id', e.target.value)} autoComplete="off" />
        </label>
        <label className="filter">
          <span>Payment method</span>
          <input value={input.payment_method} list={`${id}-methods`} onChange={(e) => set('payment_method', e.target.value)} />
          <datalist id={`${id}-methods`}>
            <option value="card" />
            <option value="wallet" />
            <option value="code" />
          </datalist>
        </label>
        <label className="filter">
          <span>At (empty: now)</span>
          <input type="datetime-local" value={input.at} onChange={(e) => set('at', e.target.value)} />
        </label>
      </form>

      {!checked.ok && checked.message && <div className="field-error">{checked.message}</div>}
      {!checked.ok && !checked.message && <p className="muted small">Enter a customer id, an amount and a merchant id to see the points.</p>}
      {checked.ok && <ErrorBanner error={error} />}

      {shown && (
        <div className={pending ? 'preview-result is-pending' : 'preview-result'} aria-live="polite" aria-busy={pending}>
          <div className="preview-total">
            <span className="preview-total-figure" data-testid="estimate-total">
              {formatPoints(shown.total_points)}
            </span>
            <span> points in total</span>
            {pending && <span className="muted small"> · updating…</span>}
          </div>
          <div className="muted small preview-context">
            {shown.customer_known ? 'Customer known' : <span className="text-warn">Customer unknown to Kessai</span>} · merchant{' '}
            {shown.merchant_master_id ? (
              <>
                master <code>{shown.merchant_master_id}</code>
              </>
            ) : (
              'unmapped'
            )}{' '}
            ({shown.marketplace} our marketplace) · at {formatDateTime(shown.at)}
          </div>
          {campaign && !mine && !draft && (
            <div className="notice small" data-testid="preview-not-in-force">
              This campaign is not in force at that time ({campaign.status}): the estimate only lists campaigns that have started, have not ended and are
              not paused{campaign.status === 'scheduled' ? '. Set “At” inside its period to preview it.' : '.'}
            </div>
          )}
          {mine && !mine.draft && campaign && mine.version !== campaign.version && (
            <div className="notice small">The server’s snapshot still has version {mine.version} of this campaign; ask again in a moment.</div>
          )}
          {shown.campaigns.length === 0 ? (
            <p className="muted small">No campaign is in force at that time.</p>
          ) : (
            <table className="table table-compact preview-table">
              <thead>
                <tr>
                  <th>Campaign</th>
                  <th className="num">Rate</th>
                  <th className="num">Points</th>
                </tr>
              </thead>
              <tbody>
                {[...shown.campaigns].sort((a, b) => Number(isThis(b)) - Number(isThis(a))).map((c) => (
                  <tr key={c.draft ? 'draft' : c.campaign_id} data-campaign-id={c.campaign_id ?? 'draft'} data-draft={c.draft} data-applies={c.applies} className={isThis(c) ? 'preview-this' : undefined}>
                    <td>
                      {isThis(c) || c.campaign_id === null ? (
                        <strong>{c.name}</strong>
                      ) : (
                        <Link to={`/rewards/campaigns/${encodeURIComponent(c.campaign_id)}`}>{c.name}</Link>
                      )}{' '}
                      <span className="muted small">{c.draft ? 'unsaved' : `v${c.version}`}</span>
                      {c.applies ? <div className="small text-ok">applies</div> : <Reasons reasons={c.reasons} />}
                    </td>
                    <td className="num">{c.rate_percent === null ? '—' : `${c.rate_percent} %`}</td>
                    <td className="num" data-field="points">
                      {formatPoints(c.points)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
