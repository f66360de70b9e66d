import { Breadcrumbs, LoadState } from '../../components/DetailFrame.tsx';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, newIdempotencyKey } from '../../api/client.ts';
import { createCampaign, getCampaign, updateCampaign } from '../../api/rewards.ts';
import type { Campaign, CampaignContent, CampaignDetail } from '../../api/types.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { navigate } from '../../lib/router.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { usePermissions } from '../../session/session.tsx';
import { BudgetBurnChart } from './BudgetBurnChart.tsx';
import { CampaignFields } from './CampaignFields.tsx';
import { CampaignStatusBadge } from './CampaignStatusBadge.tsx';
import { contentOf, emptyForm, formOf, sameForm, type CampaignForm, type FieldErrors } from './campaignForm.ts';
import { EMPTY_PREVIEW, EstimatePreview, type PreviewInput } from './EstimatePreview.tsx';
import { VersionHistory } from './VersionHistory.tsx';
import './rewards.css';

const VERSION_CONFLICT = 'KS_ERR_REWARD_CAMPAIGN_VERSION_CONFLICT';

/** A message for the page a save navigates to (the new campaign's page). */
let flash: { id: string; message: string } | null = null;
function takeFlash(id: string | null): string | null {
  if (!flash || flash.id !== id) return null;
  const message = flash.message;
  flash = null;
  return message;
}

interface Conflict {
  /** The version this page edited. */
  edited: number;
  /** The campaign as it is now, once loaded. */
  latest: CampaignDetail | null;
}

function ConflictAlert({ conflict, onLoadLatest }: { conflict: Conflict; onLoadLatest(): void }) {
  const latest = conflict.latest;
  return (
    <div className="alert alert-error conflict" role="alert" data-testid="version-conflict">
      <div>
        <strong>Not saved: someone else saved this campaign after you opened it.</strong>
        <div>
          You edited version {conflict.edited}
          {latest ? (
            <>
              ; it is now at <strong>version {latest.version}</strong>, saved {formatDateTime(latest.version_created_at)}
              {latest.version_created_by ? <> by {latest.version_created_by}</> : null}
            </>
          ) : null}
          . Nothing was overwritten, and your edits are still in the form. Load the current version, then apply your change to it again.
        </div>
        <div className="alert-meta">
          <code>{VERSION_CONFLICT}</code>
        </div>
      </div>
      <button type="button" className="btn btn-small" onClick={onLoadLatest}>
        Load {latest ? `version ${latest.version}` : 'the current version'} (discards your edits)
      </button>
    </div>
  );
}

interface EditorProps {
  campaign: CampaignDetail | null;
  canEdit: boolean;
  onDirty(dirty: boolean): void;
  /** The form's content when it is valid and differs from the saved version (or is a new campaign's); else null. */
  onDraft(draft: CampaignContent | null): void;
  onSaved(saved: Campaign, changed: boolean): void;
  onLoadLatest(): void;
}

/** The form of one version; mounted again (fresh) whenever another version is loaded. */
function CampaignEditor({ campaign, canEdit, onDirty, onDraft, onSaved, onLoadLatest }: EditorProps) {
  const initial = useMemo<CampaignForm>(() => (campaign ? formOf(campaign) : emptyForm()), [campaign]);
  const [form, setForm] = useState<CampaignForm>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saveError, setSaveError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per save, kept only to retry a request whose answer never came (network, 5xx).
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const dirty = !sameForm(form, initial);
  const readOnly = !canEdit;

  useEffect(() => onDirty(dirty), [dirty, onDirty]);
  // For the preview: the edits as they stand, once they are a valid campaign (as a string, so the
  // preview asks again only when the content changes).
  const draftKey = useMemo(() => {
    if (campaign && !dirty) return '';
    const content = contentOf(form).content;
    return content ? JSON.stringify(content) : '';
  }, [campaign, dirty, form]);
  useEffect(() => onDraft(draftKey ? (JSON.parse(draftKey) as CampaignContent) : null), [draftKey, onDraft]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (readOnly || busy) return;
    const checked = contentOf(form);
    setErrors(checked.errors);
    setSaveError(null);
    setConflict(null);
    if (!checked.content) return;
    const body = JSON.stringify(checked.content);
    if (!attempt.current || attempt.current.body !== body) attempt.current = { key: newIdempotencyKey(), body };
    setBusy(true);
    try {
      if (!campaign) {
        const created = await createCampaign(checked.content, attempt.current.key);
        flash = { id: created.id, message: `Campaign created: version 1 is saved.` };
        navigate(`/rewards/campaigns/${encodeURIComponent(created.id)}`);
        return;
      }
      const saved = await updateCampaign(campaign.id, campaign.version, checked.content, attempt.current.key);
      attempt.current = null;
      setBusy(false);
      onSaved(saved, saved.version !== campaign.version);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) attempt.current = null;
      if (err instanceof ApiError && err.code === VERSION_CONFLICT && campaign) {
        setConflict({ edited: campaign.version, latest: null });
        getCampaign(campaign.id).then(
          (latest) => setConflict((c) => c && { ...c, latest }),
          () => undefined,
        );
        return;
      }
      if (err instanceof ApiError && err.field) setErrors({ [err.field]: err.message });
      setSaveError(err);
    }
  }

  const errorCount = Object.keys(errors).length;
  return (
    <form onSubmit={save} noValidate aria-label="Campaign" className="editor-form">
      {readOnly ? (
        <div className="notice read-only-note" data-testid="read-only-note">
          Read-only: your role may view campaigns; only admins change them.
        </div>
      ) : (
        <div className="editor-actions" data-testid="editor-actions">
          <button type="submit" className="btn btn-primary" disabled={busy || (Boolean(campaign) && !dirty)}>
            {busy ? 'Saving…' : campaign ? `Save as version ${campaign.version + 1}` : 'Create campaign'}
          </button>
          {campaign && (
            <button
              type="button"
              className="btn"
              disabled={busy || !dirty}
              onClick={() => {
                setForm(initial);
                setErrors({});
                setSaveError(null);
              }}
            >
              Discard changes
            </button>
          )}
          <span className="muted small">
            {campaign ? (dirty ? `Unsaved changes to version ${campaign.version}` : `No changes to version ${campaign.version}`) : 'Saved as version 1'}
          </span>
        </div>
      )}
      {conflict && <ConflictAlert conflict={conflict} onLoadLatest={onLoadLatest} />}
      {errorCount > 0 && !saveError && <div className="alert alert-error" role="alert">Check the {errorCount === 1 ? 'field' : `${errorCount} fields`} marked below.</div>}
      <ErrorBanner error={saveError} />
      <CampaignFields form={form} onChange={setForm} errors={errors} readOnly={readOnly} />
    </form>
  );
}

/** `/rewards/campaigns/new` (id null) and `/rewards/campaigns/:id`: the editor, the preview, the budget and the versions. */
export function CampaignEditorPage({ id }: { id: string | null }) {
  const load = useCallback((signal: AbortSignal) => (id ? getCampaign(id, signal) : Promise.resolve(null)), [id]);
  const { data: campaign, error, loading, reload } = useFetch(`campaign:${id ?? 'new'}`, load);
  const { canEditCampaigns } = usePermissions();
  const [notice, setNotice] = useState<string | null>(() => takeFlash(id));
  const [dirty, setDirty] = useState(false);
  const [preview, setPreview] = useState<PreviewInput>(EMPTY_PREVIEW);
  const [draft, setDraft] = useState<CampaignContent | null>(null);

  const onSaved = useCallback(
    (saved: Campaign, changed: boolean) => {
      setNotice(changed ? `Saved: version ${saved.version} is now current.` : `Nothing changed: version ${saved.version} stays current.`);
      reload();
    },
    [reload],
  );
  const onLoadLatest = useCallback(() => {
    setNotice(null);
    reload();
  }, [reload]);

  if (id && !campaign) {
    return (
      <div className="page">
        <CampaignTrail label={id} />
        <LoadState error={error} loading={loading} hasData={false} reload={reload} missing={`No campaign ${id}.`} loadingText="Loading campaign…" />
      </div>
    );
  }
  if (id === null && !canEditCampaigns) {
    return (
      <div className="page">
        <CampaignTrail label="New" />
        <div className="empty">Only admins create campaigns.</div>
      </div>
    );
  }

  return (
    <div className="page">
      <CampaignTrail label={campaign ? campaign.id : 'New'} />
      <header className="page-header campaign-header">
        <div>
          <h1>{campaign ? campaign.name : 'New campaign'}</h1>
          {campaign && (
            <div className="campaign-header-meta">
              <CampaignStatusBadge status={campaign.status} />
              <span data-field="version">version {campaign.version}</span>
              <span className="mono muted">{campaign.id}</span>
              <span className="muted">
                saved {formatDateTime(campaign.version_created_at)}
                {campaign.version_created_by ? ` by ${campaign.version_created_by}` : ''}
              </span>
            </div>
          )}
        </div>
        {campaign && (
          <button type="button" className="btn" onClick={reload} disabled={loading}>
            {loading ? 'Refreshing…' : 'Refresh'}
          </button>
        )}
      </header>
      {notice && (
        <div className="alert alert-ok" role="status" data-testid="save-notice">
          {notice}
        </div>
      )}
      {campaign && <ErrorBanner error={error} onRetry={reload} />}

      <div className="editor-grid">
        <div className="editor-main">
          <CampaignEditor
            key={campaign ? `${campaign.id}:${campaign.version}` : 'new'}
            campaign={campaign}
            canEdit={canEditCampaigns}
            onDirty={setDirty}
            onDraft={setDraft}
            onSaved={onSaved}
            onLoadLatest={onLoadLatest}
          />
        </div>
        <aside className="editor-side">
          <EstimatePreview campaign={campaign} dirty={dirty} draft={draft} input={preview} onInput={setPreview} />
          {campaign && <BudgetBurnChart campaign={campaign} />}
          {campaign && <VersionHistory campaign={campaign} />}
        </aside>
      </div>
    </div>
  );
}

function CampaignTrail({ label }: { label: string }) {
  return <Breadcrumbs to="/rewards/campaigns" list="Campaigns" label={label} />;
}
