import { sha256Hex } from './emulator-crypto';
import type { EmulatorClock } from './emulator.constants';

// Codes expired for longer than this are forgotten (still answered as
// unknown codes), so a long-running emulator does not grow without bound.
const CODE_RETENTION_AFTER_EXPIRY_MS = 60 * 60 * 1000;

interface CodeEntry<G> {
  grant: G;
  expiresAt: number;
  used: boolean;
  tokenKeys: Set<string>;
}

interface TokenEntry<T> {
  grant: T;
  expiresAt: number;
}

/** A fresh code's entry, handed back so the tokens it yields can be revoked on a replay. */
export interface CodeTicket {
  readonly __codeTicket: true;
}

export type CodeRedemption<G> =
  | { status: 'unknown' }
  /** Used before: every token it yielded is revoked now. */
  | { status: 'replayed' }
  | { status: 'expired'; grant: G }
  | { status: 'fresh'; grant: G; ticket: CodeTicket };

export type TokenLookup<T> = { grant: T; expired: boolean } | undefined;

/**
 * One-time authorization codes and the access tokens they yield, stored only
 * as sha256 hashes. Redeeming spends a code whatever the caller does next;
 * redeeming it again revokes what it yielded (RFC 6749 §4.1.2), as both
 * Facebook and Google do.
 */
export class GrantStore<G, T> {
  private codes = new Map<string, CodeEntry<G>>();
  private tokens = new Map<string, TokenEntry<T>>();

  constructor(
    private readonly clock: EmulatorClock,
    private readonly codeTtlMs: number,
  ) {}

  issueCode(code: string, grant: G): string {
    this.forgetStaleCodes();
    this.codes.set(sha256Hex(code), {
      grant,
      expiresAt: this.clock.now() + this.codeTtlMs,
      used: false,
      tokenKeys: new Set(),
    });
    return code;
  }

  redeemCode(code: string): CodeRedemption<G> {
    const entry = this.codes.get(sha256Hex(code));
    if (!entry) return { status: 'unknown' };
    if (entry.used) {
      for (const key of entry.tokenKeys) this.tokens.delete(key);
      entry.tokenKeys.clear();
      return { status: 'replayed' };
    }
    entry.used = true;
    if (this.clock.now() >= entry.expiresAt) {
      return { status: 'expired', grant: entry.grant };
    }
    return {
      status: 'fresh',
      grant: entry.grant,
      ticket: entry as unknown as CodeTicket,
    };
  }

  /** Stores a token; with the ticket of the code it came from, a replay of that code revokes it. */
  issueToken(token: string, grant: T, ttlMs: number, from?: CodeTicket): void {
    const key = sha256Hex(token);
    this.tokens.set(key, { grant, expiresAt: this.clock.now() + ttlMs });
    if (from) (from as unknown as CodeEntry<G>).tokenKeys.add(key);
  }

  findToken(token: string): TokenLookup<T> {
    const entry = this.tokens.get(sha256Hex(token));
    if (!entry) return undefined;
    return { grant: entry.grant, expired: this.clock.now() >= entry.expiresAt };
  }

  clear(): void {
    this.codes = new Map();
    this.tokens = new Map();
  }

  private forgetStaleCodes(): void {
    const cutoff = this.clock.now() - CODE_RETENTION_AFTER_EXPIRY_MS;
    for (const [key, entry] of this.codes) {
      if (entry.expiresAt < cutoff) this.codes.delete(key);
    }
  }
}
