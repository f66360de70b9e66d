import type { Page } from '../api/types.ts';

/**
 * The footer of a cursor-paged list: how many rows this page holds, back to the first page, back
 * one page where the list can page back (`previous` and a `prev_cursor`), and on to the next.
 */
export function Pager<T>({
  page,
  noun,
  loading = false,
  onFirstPage,
  first,
  next,
  previous,
  firstLabel = '⇤ Newest',
  nextLabel = 'Next →',
  label = 'Pages',
}: {
  page: Page<T> | null | undefined;
  noun: [singular: string, plural: string];
  loading?: boolean;
  onFirstPage: boolean;
  first: () => void;
  next: (cursor: string) => void;
  previous?: (cursor: string) => void;
  firstLabel?: string;
  nextLabel?: string;
  label?: string;
}) {
  const count = page?.data.length ?? 0;
  return (
    <footer className="pager" aria-label={label}>
      <span className="muted">
        {page ? `${count} ${count === 1 ? noun[0] : noun[1]} on this page` : ''}
        {loading && page ? ' · refreshing…' : ''}
      </span>
      <div className="pager-buttons">
        <button type="button" className="btn" disabled={onFirstPage} onClick={first}>
          {firstLabel}
        </button>
        {previous && (
          <button type="button" className="btn" disabled={!page?.prev_cursor} onClick={() => page?.prev_cursor && previous(page.prev_cursor)}>
            ← Previous
          </button>
        )}
        <button type="button" className="btn" disabled={!page?.has_more || !page.next_cursor} onClick={() => page?.next_cursor && next(page.next_cursor)}>
          {nextLabel}
        </button>
      </div>
    </footer>
  );
}
