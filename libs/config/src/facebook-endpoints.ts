import type { BaseEnv } from './env.schema';

export interface FacebookEndpoints {
  /** The OAuth dialog the browser is redirected to. */
  dialogUrl: string;
  /** Graph's versioned base: `${graphApiUrl}/oauth/access_token`, `${graphApiUrl}/me`. */
  graphApiUrl: string;
}

type FacebookEndpointSettings = Pick<BaseEnv, 'FACEBOOK_WEB_URL' | 'FACEBOOK_GRAPH_URL' | 'FACEBOOK_GRAPH_VERSION'>;

/**
 * Both of Facebook's URLs from one version setting, so the dialog and the
 * Graph calls can never be on different versions.
 */
export function facebookEndpoints(env: FacebookEndpointSettings): FacebookEndpoints {
  const version = env.FACEBOOK_GRAPH_VERSION;
  return {
    dialogUrl: `${env.FACEBOOK_WEB_URL}/${version}/dialog/oauth`,
    graphApiUrl: `${env.FACEBOOK_GRAPH_URL}/${version}`,
  };
}

/** The same, read from Nest's ConfigService (any process's config has these three). */
export function facebookEndpointsFrom(config: {
  get<K extends keyof FacebookEndpointSettings>(key: K, options: { infer: true }): FacebookEndpointSettings[K];
}): FacebookEndpoints {
  return facebookEndpoints({
    FACEBOOK_WEB_URL: config.get('FACEBOOK_WEB_URL', { infer: true }),
    FACEBOOK_GRAPH_URL: config.get('FACEBOOK_GRAPH_URL', { infer: true }),
    FACEBOOK_GRAPH_VERSION: config.get('FACEBOOK_GRAPH_VERSION', { infer: true }),
  });
}
