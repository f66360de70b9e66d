import type { Address, Customer } from '../../api/types.ts';

/** The customer and where the order ships, as a card. */
export function CustomerCard({ customer, address }: { customer: Customer | null | undefined; address: Address | null | undefined }) {
  return (
    <section className="card" aria-labelledby="customer-title">
      <h2 id="customer-title" className="card-title">
        Customer
      </h2>
      <dl className="kv">
        <dt>Name</dt>
        <dd data-field="customer_name">{customer?.name ?? '—'}</dd>
        <dt>Email</dt>
        <dd data-field="customer_email">{customer?.email ? <a href={`mailto:${customer.email}`}>{customer.email}</a> : '—'}</dd>
        <dt>Ship to</dt>
        <dd>
          {address ? (
            <address className="address" data-field="shipping_address">
              {address.name}
              <br />
              {address.line1}
              {address.line2 && (
                <>
                  <br />
                  {address.line2}
                </>
              )}
              <br />
              {address.postal_code} {address.city}
              <br />
              {address.country}
            </address>
          ) : (
            '—'
          )}
        </dd>
      </dl>
    </section>
  );
}
