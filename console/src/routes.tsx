/**
 * Every page of the console, in one table. A page with `nav` appears in the left navigation
 * under its section, in this order. To add a page (checkouts needing attention, reconciliation
 * runs, discrepancies, campaigns…): write it under pages/, add a row here.
 */
import type { ReactNode } from 'react';
import type { Permissions } from './session/session.tsx';
import { PaymentPage } from './pages/payments/PaymentPage.tsx';
import { PaymentsListPage } from './pages/payments/PaymentsListPage.tsx';
import { CheckoutPage } from './pages/checkout/CheckoutPage.tsx';
import { CheckoutsQueuePage } from './pages/checkout/CheckoutsQueuePage.tsx';
import { OrderPage } from './pages/checkout/OrderPage.tsx';
import { OrdersListPage } from './pages/checkout/OrdersListPage.tsx';
import { CampaignEditorPage } from './pages/rewards/CampaignEditorPage.tsx';
import { CampaignsListPage } from './pages/rewards/CampaignsListPage.tsx';
import { CustomerPage, CustomersLookupPage } from './pages/rewards/CustomerPage.tsx';
import { DiscrepanciesPage } from './pages/reconciliation/DiscrepanciesPage.tsx';
import { RunPage } from './pages/reconciliation/RunPage.tsx';
import { RunsListPage } from './pages/reconciliation/RunsListPage.tsx';

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
  {
    path: '/checkouts',
    render: () => <CheckoutsQueuePage />,
    nav: { section: 'Checkout', label: 'Needs attention' },
  },
  { path: '/checkouts/:id', render: ({ id }) => <CheckoutPage key={id} id={id!} /> },
  {
    path: '/orders',
    render: () => <OrdersListPage />,
    nav: { section: 'Checkout', label: 'Orders' },
  },
  { path: '/orders/:id', render: ({ id }) => <OrderPage key={id} id={id!} /> },
  {
    path: '/reconciliation/runs',
    render: () => <RunsListPage />,
    nav: { section: 'Reconciliation', label: 'Runs' },
  },
  { path: '/reconciliation/runs/:id', render: ({ id }) => <RunPage key={id} id={id!} /> },
  {
    path: '/reconciliation/discrepancies',
    render: () => <DiscrepanciesPage />,
    nav: { section: 'Reconciliation', label: 'Discrepancies' },
  },
  {
    path: '/rewards/campaigns',
    render: () => <CampaignsListPage />,
    nav: { section: 'Rewards', label: 'Campaigns' },
  },
  // Before `/rewards/campaigns/:id`: the first match wins.
  { path: '/rewards/campaigns/new', render: () => <CampaignEditorPage key="new" id={null} /> },
  { path: '/rewards/campaigns/:id', render: ({ id }) => <CampaignEditorPage key={id} id={id!} /> },
  {
    path: '/rewards/customers',
    render: () => <CustomersLookupPage />,
    nav: { section: 'Rewards', label: 'Customers' },
  },
  { path: '/rewards/customers/:id', render: ({ id }) => <CustomerPage key={id} id={id!} /> },
];

/** Where `/console/` lands. */
export const HOME_PATH = '/payments';
