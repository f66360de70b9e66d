import { useId, type ReactNode } from 'react';
import { POINTS_ROUNDING, type PointsRounding } from '../../api/types.ts';
import { browserTimeZone, errorFor, newRateRow, type CampaignForm, type FieldErrors, type RateRow } from './campaignForm.ts';

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children(props: { id: string; 'aria-invalid': boolean; 'aria-describedby': string | undefined }): ReactNode;
  className?: string;
}

/** A labelled input with its hint and its error (from the form's checks or the server's `field`). */
function Field({ label, error, hint, children, className }: FieldProps) {
  const id = useId();
  const described = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': described })}
      {hint && (
        <div id={`${id}-hint`} className="field-hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={`${id}-error`} className="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

const ROUNDING_TEXT: Record<PointsRounding, string> = {
  floor: 'floor — always down (37.9 → 37)',
  half_up: 'half up — .5 goes up (6.5 → 7)',
  half_even: 'half even — .5 to the even point (4.5 → 4, 1.5 → 2)',
  ceiling: 'ceiling — always up (37.02 → 38)',
};

/** "Stages 10–29 → 1.0 %" from the rows as typed (sorted, as the server will store them). */
function rateBands(rows: RateRow[]): string[] {
  const parsed = rows
    .map((r) => ({ stage: Number(r.min_stage.trim()), rate: r.rate_percent.trim(), ok: /^\d+$/.test(r.min_stage.trim()) && /^\d{1,3}(\.\d{1,4})?$/.test(r.rate_percent.trim()) }))
    .filter((r) => r.ok)
    .sort((a, b) => a.stage - b.stage);
  if (parsed.length === 0) return [];
  const out: string[] = [];
  if (parsed[0]!.stage > 0) out.push(`below ${parsed[0]!.stage}: nothing`);
  parsed.forEach((r, i) => {
    const next = parsed[i + 1];
    out.push(next ? `${r.stage}–${next.stage - 1}: ${r.rate} %` : `${r.stage} and above: ${r.rate} %`);
  });
  return out;
}

function StageRatesEditor({ rows, onChange, errors }: { rows: RateRow[]; onChange(rows: RateRow[]): void; errors: FieldErrors }) {
  const update = (key: number, patch: Partial<RateRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const bands = rateBands(rows);
  const tableError = errors.stage_rates;
  return (
    <section className="card" aria-labelledby="rates-title">
      <h2 id="rates-title" className="card-title">
        Stage → rate
      </h2>
      <p className="muted small card-lead">A customer at stage s earns the rate of the highest stage ≤ s, as a percentage of the amount in major units.</p>
      <table className="table table-compact rates-table" data-testid="stage-rates">
        <thead>
          <tr>
            <th>From stage</th>
            <th>Rate (%)</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const stageError = errors[`stage_rates[${i}].min_stage`];
            const rateError = errors[`stage_rates[${i}].rate_percent`] ?? (errors[`stage_rates[${i}]`] || undefined);
            return (
              <tr key={row.key} data-row={i}>
                <td>
                  <input
                    aria-label={`From stage, row ${i + 1}`}
                    inputMode="numeric"
                    value={row.min_stage}
                    aria-invalid={Boolean(stageError)}
                    onChange={(e) => update(row.key, { min_stage: e.target.value })}
                  />
                  {stageError && <div className="field-error">{stageError}</div>}
                </td>
                <td>
                  <input
                    aria-label={`Rate percent, row ${i + 1}`}
                    inputMode="decimal"
                    placeholder="e.g. 3.5"
                    value={row.rate_percent}
                    aria-invalid={Boolean(rateError)}
                    onChange={(e) => update(row.key, { rate_percent: e.target.value })}
                  />
                  {rateError && <div className="field-error">{rateError}</div>}
                </td>
                <td className="num">
                  <button type="button" className="btn btn-small btn-ghost" aria-label={`Remove row ${i + 1}`} disabled={rows.length <= 1} onClick={() => onChange(rows.filter((r) => r.key !== row.key))}>
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {tableError && <div className="field-error">{tableError}</div>}
      <div className="rates-footer">
        <button type="button" className="btn btn-small" onClick={() => onChange([...rows, newRateRow()])}>
          + Add stage
        </button>
        {bands.length > 0 && (
          <span className="muted small" data-testid="rate-bands">
            Stages {bands.join(' · ')}
          </span>
        )}
      </div>
    </section>
  );
}

interface Props {
  form: CampaignForm;
  onChange(form: CampaignForm): void;
  errors: FieldErrors;
  readOnly: boolean;
}

/** Every editable part of a campaign version; disabled as a whole when the operator may not edit. */
export function CampaignFields({ form, onChange, errors, readOnly }: Props) {
  const set = <K extends keyof CampaignForm>(key: K, value: CampaignForm[K]) => onChange({ ...form, [key]: value });
  const tz = browserTimeZone();
  return (
    <fieldset className="editor-fields" disabled={readOnly} data-testid="campaign-fields">
      <section className="card" aria-labelledby="basics-title">
        <h2 id="basics-title" className="card-title">
          Campaign
        </h2>
        <Field label="Name" error={errorFor(errors, 'name')}>
          {(p) => <input {...p} value={form.name} maxLength={200} onChange={(e) => set('name', e.target.value)} />}
        </Field>
        <div className="field-row">
          <Field label="Starts" error={errorFor(errors, 'starts_at')} hint={`Your time zone (${tz})`}>
            {(p) => <input {...p} type="datetime-local" value={form.starts_at} onChange={(e) => set('starts_at', e.target.value)} />}
          </Field>
          <Field label="Ends" error={errorFor(errors, 'ends_at')} hint="Exclusive: payments before this instant count">
            {(p) => <input {...p} type="datetime-local" value={form.ends_at} onChange={(e) => set('ends_at', e.target.value)} />}
          </Field>
        </div>
        <div className="field-row">
          <Field label="Funding party" error={errorFor(errors, 'funding_party')} hint="Who pays for the points; the liability report groups by it">
            {(p) => (
              <>
                <input {...p} list="funding-parties" value={form.funding_party} maxLength={64} onChange={(e) => set('funding_party', e.target.value)} />
                <datalist id="funding-parties">
                  <option value="card_issuer" />
                  <option value="merchant" />
                  <option value="marketplace" />
                </datalist>
              </>
            )}
          </Field>
          <Field label="Points expire after (days)" error={errorFor(errors, 'points_expire_after_days')} hint="From each grant; empty: they never expire">
            {(p) => <input {...p} inputMode="numeric" value={form.expire_after_days} maxLength={6} onChange={(e) => set('expire_after_days', e.target.value)} />}
          </Field>
          <div className="field">
            <span className="field-label">State</span>
            <label className="check-inline">
              <input type="checkbox" checked={form.paused} onChange={(e) => set('paused', e.target.checked)} /> Paused (stops the campaign without changing its dates)
            </label>
          </div>
        </div>
      </section>

      <section className="card" aria-labelledby="filters-title">
        <h2 id="filters-title" className="card-title">
          Who and which payments
        </h2>
        <p className="muted small card-lead">A condition left empty is no condition.</p>
        <div className="field-row">
          <Field label="Card status in" error={errorFor(errors, 'user_filters.card_status', 'user_filters')} hint="e.g. 2, 3 — empty: any card status">
            {(p) => <input {...p} value={form.card_status} placeholder="any" onChange={(e) => set('card_status', e.target.value)} />}
          </Field>
          <Field label="Marketplace" error={errorFor(errors, 'payment_filters.marketplace')}>
            {(p) => (
              <select {...p} value={form.marketplace} onChange={(e) => set('marketplace', e.target.value as CampaignForm['marketplace'])}>
                <option value="">Anywhere</option>
                <option value="inside">Inside: only on our marketplace</option>
                <option value="outside">Outside: only elsewhere</option>
              </select>
            )}
          </Field>
        </div>
        <Field label="Merchant master ids" error={errorFor(errors, 'payment_filters.merchants')} hint="Master ids (not merchant ids), separated by commas or lines — empty: any merchant">
          {(p) => <textarea {...p} rows={2} value={form.master_ids} placeholder="any" onChange={(e) => set('master_ids', e.target.value)} />}
        </Field>
        <label className="check-inline check-below">
          <input type="checkbox" checked={form.invert} onChange={(e) => set('invert', e.target.checked)} /> Exclude these merchants (invert): every merchant except the listed ones
        </label>
        <div className="field-row">
          <Field label="Payment methods" error={errorFor(errors, 'payment_filters.payment_methods')} hint="e.g. card, wallet — empty: any method">
            {(p) => <input {...p} value={form.payment_methods} placeholder="any" onChange={(e) => set('payment_methods', e.target.value)} />}
          </Field>
          <Field label="Minimum amount" error={errorFor(errors, 'payment_filters.min_amount.amount', 'payment_filters.min_amount')} hint="In major units; the payment must also be in this currency">
            {(p) => (
              <div className="input-row">
                <input {...p} inputMode="decimal" value={form.min_amount} placeholder="none" onChange={(e) => set('min_amount', e.target.value)} />
                <input
                  aria-label="Minimum amount currency"
                  className="ccy-input"
                  value={form.min_currency}
                  maxLength={3}
                  aria-invalid={Boolean(errors['payment_filters.min_amount.currency'])}
                  onChange={(e) => set('min_currency', e.target.value.toUpperCase())}
                />
              </div>
            )}
          </Field>
        </div>
        {errors['payment_filters.min_amount.currency'] && <div className="field-error">{errors['payment_filters.min_amount.currency']}</div>}
      </section>

      <StageRatesEditor rows={form.stage_rates} onChange={(rows) => set('stage_rates', rows)} errors={errors} />

      <section className="card" aria-labelledby="caps-title">
        <h2 id="caps-title" className="card-title">
          Caps and rounding
        </h2>
        <p className="muted small card-lead">Caps are in points and apply when points are granted; a payment that crosses a cap gets the remainder.</p>
        <div className="field-row field-row-3">
          <Field label="Per customer per month" error={errorFor(errors, 'caps.per_customer_month')} hint="Points; empty: no cap">
            {(p) => <input {...p} inputMode="numeric" value={form.per_customer_month} placeholder="no cap" onChange={(e) => set('per_customer_month', e.target.value)} />}
          </Field>
          <Field label="Budget" error={errorFor(errors, 'caps.budget')} hint="Points the campaign may grant in all; empty: no budget">
            {(p) => <input {...p} inputMode="numeric" value={form.budget} placeholder="no budget" onChange={(e) => set('budget', e.target.value)} />}
          </Field>
          <Field label="Months in time zone" error={errorFor(errors, 'caps.timezone')} hint="IANA name of the calendar months">
            {(p) => (
              <>
                <input {...p} list="cap-timezones" value={form.timezone} onChange={(e) => set('timezone', e.target.value)} />
                <datalist id="cap-timezones">
                  <option value="Asia/Tokyo" />
                  <option value="UTC" />
                  <option value="Europe/London" />
                  <option value="America/New_York" />
                </datalist>
              </>
            )}
          </Field>
        </div>
        <Field label="Rounding" error={errorFor(errors, 'rounding')} hint="From the exact amount × rate to whole points">
          {(p) => (
            <select {...p} value={form.rounding} onChange={(e) => set('rounding', e.target.value as PointsRounding)}>
              {POINTS_ROUNDING.map((r) => (
                <option key={r} value={r}>
                  {ROUNDING_TEXT[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </section>
    </fieldset>
  );
}
