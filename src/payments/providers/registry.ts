import { KessaiError } from '../../errors/index.ts';
import type { PaymentProvider } from './provider.ts';

/** The configured providers by name. */
export class ProviderRegistry {
  readonly #providers = new Map<string, PaymentProvider>();

  register(provider: PaymentProvider): this {
    this.#providers.set(provider.name, provider);
    return this;
  }

  get(name: string): PaymentProvider {
    const provider = this.#providers.get(name);
    if (!provider) {
      throw new KessaiError('KS_ERR_PROVIDER_UNKNOWN', `No provider ${JSON.stringify(name)} is configured (have: ${this.names().join(', ')})`, {
        field: 'provider',
      });
    }
    return provider;
  }

  has(name: string): boolean {
    return this.#providers.has(name);
  }

  names(): string[] {
    return [...this.#providers.keys()];
  }
}
