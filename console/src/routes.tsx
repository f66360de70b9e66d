/**
 * Every page of the console, in one table. A page with `nav` appears in the left navigation
 * under its section, in this order. To add a page (checkouts needing attention, reconciliation
 * runs, discrepancies, campaigns…): write it under pages/, add a row here.
 */
import type { ReactNode } from 'react';
import type { Permissions } from './session/session.tsx';
import { PaymentPage } from './pages/payments/PaymentPage.tsx';
import { PaymentsListPage } from './pages/payments/PaymentsListPage.tsx';

export interface PageRoute {
  /** App path pattern, e.g. `/payments/:id`. */
  path: string;
  render(params: Record<string, string>): ReactNode;
  nav?: {
    section: string;
    label: string;
    /** Paths starting with this prefix highlight the entry (defaults to `path`). */
    activePrefix?: string;
    /** Hide the entry from operators who could not use the page. */
    visible?(permissions: Permissions): boolean;
  };
}

export const NAV_SECTIONS = ['Payments', 'Checkout', 'Reconciliation', 'Rewards', 'Admin'] as const;

export const ROUTES: PageRoute[] = [
  {
    path: '/payments',
    render: () => <PaymentsListPage />,
    nav: { section: 'Payments', label: 'All payments' },
  },
  { path: '/payments/:id', render: ({ id }) => <PaymentPage key={id} id={id!} /> },
];

/** Where `/console/` lands. */
export const HOME_PATH = '/payments';
