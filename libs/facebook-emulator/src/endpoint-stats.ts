import { sha256Hex } from './emulator-crypto';

/** `tokenCalls`, `meCalls`, …: one counter per endpoint. */
export type EndpointCallCounts<E extends string> = {
  [K in E as `${K}Calls`]: number;
};

export type EndpointStatsSnapshot<E extends string> = EndpointCallCounts<E> & {
  /** Token requests carrying each code, keyed by sha256 hex of the code. */
  exchangesByCode: Record<string, number>;
  successfulExchanges: number;
};

/** What `GET <knobs>/stats` reports for one provider side. */
export class EndpointStats<E extends string> {
  private calls = new Map<E, number>();
  private exchangesByCode: Record<string, number> = {};
  private successfulExchanges = 0;

  constructor(private readonly endpoints: readonly E[]) {}

  /** Counts a request (faulted ones included) before anything else; `code` when it carries one. */
  recordCall(endpoint: E, code?: string): void {
    this.calls.set(endpoint, (this.calls.get(endpoint) ?? 0) + 1);
    if (code) {
      const key = sha256Hex(code);
      this.exchangesByCode[key] = (this.exchangesByCode[key] ?? 0) + 1;
    }
  }

  recordSuccessfulExchange(): void {
    this.successfulExchanges += 1;
  }

  snapshot(): EndpointStatsSnapshot<E> {
    const counts = Object.fromEntries(
      this.endpoints.map((endpoint) => [`${endpoint}Calls`, this.calls.get(endpoint) ?? 0]),
    );
    return {
      ...counts,
      exchangesByCode: { ...this.exchangesByCode },
      successfulExchanges: this.successfulExchanges,
    } as EndpointStatsSnapshot<E>;
  }

  reset(): void {
    this.calls = new Map();
    this.exchangesByCode = {};
    this.successfulExchanges = 0;
  }
}
