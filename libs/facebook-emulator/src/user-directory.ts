/**
 * The test users of one provider side: the boot list, changed through the
 * knobs and put back by reset(). Validation is the side's own.
 */
export class UserDirectory<U, V> {
  private users = new Map<string, U>();

  constructor(
    private readonly bootUsers: readonly U[],
    private readonly idOf: (user: U) => string,
    private readonly toView: (user: U) => V,
  ) {
    this.reset();
  }

  list(): V[] {
    return [...this.users.values()].map(this.toView);
  }

  get(id: string): V | undefined {
    const user = this.users.get(id);
    return user && this.toView(user);
  }

  /** The stored user itself, for the side's own lookups. */
  find(id: string): U | undefined {
    return this.users.get(id);
  }

  has(id: string): boolean {
    return this.users.has(id);
  }

  put(user: U): V {
    this.users.set(this.idOf(user), user);
    return this.toView(user);
  }

  delete(id: string): boolean {
    return this.users.delete(id);
  }

  reset(): void {
    this.users = new Map(this.bootUsers.map((user) => [this.idOf(user), { ...user }]));
  }
}
