import { useState, type FormEvent } from 'react';
import { ApiError, newIdempotencyKey } from '../../api/client.ts';
import { startRun, uploadSettlementFile, type ImportedFile } from '../../api/reconciliation.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Link, navigate } from '../../lib/router.tsx';
import { useSession } from '../../session/session.tsx';
import { ChannelPicker } from './ChannelPicker.tsx';
import { joinChannel, yesterday } from './format.tsx';

/**
 * Upload a settlement file (sent as the raw body: the server detects the format by content) and
 * start a run for a channel and post date. After an upload the run's form takes the file's
 * channel and first post date.
 */
export function UploadAndRunCard() {
  const { me } = useSession();
  const [kind, setKind] = useState('wechat');
  const [name, setName] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [imported, setImported] = useState<ImportedFile | null>(null);
  const [postDate, setPostDate] = useState(yesterday());
  const [busy, setBusy] = useState<'upload' | 'run' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const channel = joinChannel(kind, name);

  async function upload(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setBusy('upload');
    setError(null);
    try {
      const answer = await uploadSettlementFile(channel, file, me.csrf_token);
      setImported(answer);
      if (answer.post_dates[0]) setPostDate(answer.post_dates[0]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  async function run(event: FormEvent) {
    event.preventDefault();
    setBusy('run');
    setError(null);
    try {
      const started = await startRun(channel, postDate, newIdempotencyKey());
      navigate(`/reconciliation/runs/${encodeURIComponent(started.id)}`);
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  }

  const duplicate = error instanceof ApiError && error.code === 'KS_ERR_RECONCILIATION_RUN_IN_PROGRESS' ? (error.details.run_id as string | undefined) : undefined;

  return (
    <section className="card" aria-labelledby="upload-title">
      <h2 id="upload-title" className="card-title">
        Upload and reconcile
      </h2>
      <form className="recon-form" onSubmit={(e) => void upload(e)} aria-label="Settlement upload">
        <label className="field">
          <span>Channel</span>
          <ChannelPicker idPrefix="upload" kind={kind} name={name} onKind={setKind} onName={setName} />
        </label>
        <label className="field">
          <span>Settlement file</span>
          <input type="file" aria-label="Settlement file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <button type="submit" className="btn" disabled={!file || busy !== null}>
          {busy === 'upload' ? 'Uploading…' : 'Upload file'}
        </button>
        {imported && (
          <p className="small" role="status" data-testid="upload-result">
            Imported <code>{imported.file_name}</code>: {imported.line_count} lines, post dates {imported.post_dates.join(', ') || '—'}.
          </p>
        )}
      </form>
      <form className="recon-form" onSubmit={(e) => void run(e)} aria-label="Run a day" style={{ marginTop: 12 }}>
        <label className="field">
          <span>Post date to reconcile ({channel || 'channel'})</span>
          <input type="date" aria-label="Post date" required value={postDate} onChange={(e) => setPostDate(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy !== null || (kind === 'generic' && !name.trim())}>
          {busy === 'run' ? 'Starting…' : 'Start run'}
        </button>
      </form>
      <ErrorBanner error={error} />
      {duplicate && (
        <p className="small">
          A run of this day is under way: <Link to={`/reconciliation/runs/${encodeURIComponent(duplicate)}`}>{duplicate}</Link>.
        </p>
      )}
    </section>
  );
}
