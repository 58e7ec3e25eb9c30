import { USAGE, UsageError, parseOptions } from './options';
import { ROOT } from './settings';
import { WORKLOAD_NAMES } from './workloads';

const usageError = (argv: string[]): UsageError => {
  try {
    parseOptions(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`parseOptions(${JSON.stringify(argv)}) accepted it`);
};

describe('parseOptions', () => {
  it('has the full matrix as its defaults', () => {
    expect(parseOptions([])).toEqual({
      argv: [],
      help: false,
      quick: false,
      redraw: false,
      serve: false,
      variants: ['sse', 'poll', 'inline'],
      pin: 'split',
      streams: true,
      streamCounts: [1000, 5000, 10000],
      heapSnapshot: true,
      profile: true,
      steps: false,
      workloads: undefined,
      serverEnv: {},
      legacyComplete: false,
      burstSize: 100,
      openRate: undefined,
      openArrivals: 'poisson',
      distRoot: ROOT,
      label: undefined,
      partial: false,
    });
  });

  it('--quick: 500 streams, no profiles or heap snapshots, and not partial (it has its own file)', () => {
    expect(parseOptions(['--quick'])).toMatchObject({
      quick: true,
      streamCounts: [500],
      profile: false,
      heapSnapshot: false,
      partial: false,
    });
    expect(parseOptions(['--quick', '--profile']).profile).toBe(true);
  });

  it('parses each boolean flag', () => {
    expect(parseOptions(['--redraw']).redraw).toBe(true);
    expect(parseOptions(['--serve']).serve).toBe(true);
    expect(parseOptions(['--steps']).steps).toBe(true);
    expect(parseOptions(['--help']).help).toBe(true);
    expect(parseOptions(['-h']).help).toBe(true);
    expect(parseOptions(['--no-profile']).profile).toBe(false);
    expect(parseOptions(['--no-profile', '--profile']).profile).toBe(true);
    expect(parseOptions(['--no-heap-snapshot']).heapSnapshot).toBe(false);
    expect(parseOptions(['--no-streams'])).toMatchObject({ streams: false, partial: true });
    expect(parseOptions(['--legacy-complete'])).toMatchObject({ legacyComplete: true, partial: true });
  });

  it('parses each flag with a value, as --flag=value and as --flag value', () => {
    expect(parseOptions(['--only=sse,inline'])).toMatchObject({ variants: ['sse', 'inline'], partial: true });
    expect(parseOptions(['--only', 'poll']).variants).toEqual(['poll']);
    expect(parseOptions(['--workloads=0ms/100,burst,open'])).toMatchObject({
      workloads: ['0ms/100', 'burst', 'open'],
      partial: true,
    });
    expect(parseOptions(['--streams=1000,5000'])).toMatchObject({ streamCounts: [1000, 5000], partial: true });
    expect(parseOptions(['--pin=none']).pin).toBe('none');
    expect(parseOptions(['--env=EXCHANGE_CONCURRENCY=32,FOO=a=b'])).toMatchObject({
      serverEnv: { EXCHANGE_CONCURRENCY: '32', FOO: 'a=b' },
      partial: true,
    });
    expect(parseOptions(['--burst=50'])).toMatchObject({ burstSize: 50, partial: true });
    expect(parseOptions(['--open-rate=12.5'])).toMatchObject({ openRate: 12.5, partial: true });
    expect(parseOptions(['--open-arrivals=even'])).toMatchObject({ openArrivals: 'even', partial: true });
    // Another build's run is not partial: it has its own file (the label's).
    expect(parseOptions(['--dist=/other/checkout', '--label=before'])).toMatchObject({
      distRoot: '/other/checkout',
      label: 'before',
      partial: false,
    });
  });

  it('keeps the arguments as given, for the command recorded in the results', () => {
    expect(parseOptions(['--quick', '--only=sse']).argv).toEqual(['--quick', '--only=sse']);
  });

  it('rejects an unknown flag by name', () => {
    expect(usageError(['--nope']).message).toBe('unknown option --nope');
    expect(usageError(['--quick', '--no-quick']).message).toBe('unknown option --no-quick');
  });

  it('rejects positional arguments and values given to boolean flags', () => {
    expect(usageError(['quick']).message).toMatch(/quick/);
    expect(usageError(['--quick=yes']).message).toMatch(/--quick/);
  });

  it('rejects a flag that wants a value without one', () => {
    expect(usageError(['--burst']).message).toMatch(/--burst/);
  });

  it.each([
    [['--burst=abc'], /--burst wants a whole number ≥ 1, got "abc"/],
    [['--burst=0'], /--burst/],
    [['--burst=1.5'], /--burst/],
    [['--open-rate=fast'], /--open-rate wants a number > 0, got "fast"/],
    [['--open-rate=-1'], /--open-rate/],
    [['--streams=1000,lots'], /--streams wants a whole number ≥ 1, got "lots"/],
    [['--streams=1000,'], /--streams wants a comma-separated list/],
    [['--only=sse,websocket'], /--only: "websocket" is not one of "sse", "poll", "inline"/],
    [['--workloads=0ms/1000'], /--workloads: "0ms\/1000" is not one of/],
    [['--pin=both'], /--pin: "both" is not one of "split", "none"/],
    [['--open-arrivals=uniform'], /--open-arrivals: "uniform"/],
    [['--env=EXCHANGE_CONCURRENCY'], /--env wants KEY=VALUE pairs, got "EXCHANGE_CONCURRENCY"/],
    [['--dist='], /--dist wants a value/],
  ])('rejects a bad value: %j', (argv, message) => {
    expect(usageError(argv).message).toMatch(message);
  });

  it('lists every flag in the usage text', () => {
    for (const flag of [
      '--quick',
      '--redraw',
      '--serve',
      '--only',
      '--workloads',
      '--streams',
      '--no-streams',
      '--profile',
      '--no-profile',
      '--no-heap-snapshot',
      '--steps',
      '--burst',
      '--open-rate',
      '--open-arrivals',
      '--legacy-complete',
      '--pin',
      '--env',
      '--dist',
      '--label',
      '--help',
    ])
      expect(USAGE).toContain(flag);
  });

  it('names every workload --workloads accepts in the usage text', () => {
    for (const name of WORKLOAD_NAMES) expect(USAGE).toContain(name);
  });
});
