/**
 * Where the CLI reaches the JobManager's REST endpoint: `-m host:port` (or `-m http://host:port`),
 * else `rest.address`:`rest.port` from the configuration, as Flink's CLI does.
 */
import { RestOptions } from '../../common/config/config-options.js';
import type { Configuration } from '../../common/config/configuration.js';
import { UserError } from '../../common/errors/freshet-error.js';

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** `host:port`, `[ipv6]:port`, or a bare host / `[ipv6]` (then the port is `rest.port`). */
const HOST_PORT = /^(?:\[([0-9a-f:.]+)\]|([^\s:/[\]?#@]+))(?::(\d+))?$/i;

function invalidAddress(text: string, why: string): UserError {
  return new UserError(
    'INVALID_JOBMANAGER_ADDRESS',
    `-m '${text}' is not a JobManager address (${why}); expected host:port or http://host:port`,
  );
}

/**
 * The base URL (no trailing slash) of the REST endpoint `text` names. A bare host gets
 * `defaultPort`; a URL keeps its own port (or its scheme's default) and path prefix.
 */
export function parseJobManagerAddress(text: string, defaultPort: number): string {
  const trimmed = text.trim();
  if (trimmed === '') throw invalidAddress(text, 'it is empty');
  if (URL_SCHEME.test(trimmed)) return parseUrl(trimmed);
  const match = HOST_PORT.exec(trimmed);
  if (match === null) throw invalidAddress(text, 'it is not of the form host:port');
  const [, ipv6, host, portText] = match;
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw invalidAddress(text, `port ${portText ?? port} is not between 1 and 65535`);
  }
  const hostForUrl = ipv6 === undefined ? (host ?? '') : `[${ipv6}]`;
  try {
    return new URL(`http://${hostForUrl}:${port}`).origin;
  } catch (error) {
    throw new UserError('INVALID_JOBMANAGER_ADDRESS', `-m '${text}' is not a valid host name`, {
      cause: error,
    });
  }
}

function parseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new UserError('INVALID_JOBMANAGER_ADDRESS', `-m '${text}' is not a valid URL`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidAddress(text, `scheme '${url.protocol.slice(0, -1)}' is not http or https`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw invalidAddress(text, 'it must not carry credentials, a query or a fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** `-m` when given, else `http://<rest.address>:<rest.port>` from the configuration. */
export function resolveJobManagerAddress(
  jobmanager: string | undefined,
  configuration: Configuration,
): string {
  const port = configuration.get(RestOptions.PORT);
  if (jobmanager !== undefined) return parseJobManagerAddress(jobmanager, port);
  const host = configuration.get(RestOptions.ADDRESS);
  try {
    return parseJobManagerAddress(`${hostWithBrackets(host)}:${port}`, port);
  } catch (error) {
    throw new UserError(
      'INVALID_JOBMANAGER_ADDRESS',
      `rest.address '${host}' / rest.port ${port} do not form a JobManager address; pass -m host:port`,
      { cause: error },
    );
  }
}

function hostWithBrackets(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
