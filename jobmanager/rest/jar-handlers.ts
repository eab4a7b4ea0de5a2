/**
 * Jar (bundle) endpoints: `POST /jars/upload` (multipart field `jarfile`), `GET /jars`,
 * `POST /jars/:jarid/run`, `DELETE /jars/:jarid`.
 */
import { jarListInfoJson } from './flink-cluster-json.js';
import { parseJarRunRequest } from './jar-run-request.js';
import { multipartBoundary, parseMultipart, type MultipartPart } from './multipart-parser.js';
import { parseJsonBody } from './request-body.js';
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';
import { jarIdParam, ok, type RestHandler, type RestHandlerContext } from './rest-handler.js';
import type { RestRouter } from './rest-router.js';

/** Flink's form field name for the uploaded file. */
export const JAR_FILE_FIELD = 'jarfile';

export interface JarHandlerContext extends RestHandlerContext {
  /** What `GET /jars` reports as `address` (Flink: the REST endpoint's URL). */
  readonly address: () => string;
}

export function registerJarHandlers(router: RestRouter<RestHandler>, context: JarHandlerContext): void {
  const { backend } = context;
  router
    .add('POST', '/jars/upload', async (request) => {
      const boundary = multipartBoundary(request.headers['content-type']);
      const part = jarFilePart(parseMultipart(await request.body(), boundary));
      const stored = await backend.uploadJar(uploadedFileName(part), part.data);
      return ok({ filename: stored.path, status: 'success' });
    })
    .add('GET', '/jars', async () => ok(jarListInfoJson(context.address(), await backend.listJars())))
    .add('POST', '/jars/:jarid/run', async (request) => {
      const jarId = jarIdParam(request);
      const runRequest = parseJarRunRequest(parseJsonBody(await request.body()), request.query);
      return ok({ jobid: await backend.runJar(jarId, runRequest) });
    })
    .add('DELETE', '/jars/:jarid', async (request) => {
      await backend.deleteJar(jarIdParam(request));
      return ok({});
    });
}

function badRequest(message: string): RestHandlerError {
  return new RestHandlerError(HttpStatus.BAD_REQUEST, message);
}

function jarFilePart(parts: readonly MultipartPart[]): MultipartPart & { readonly filename: string } {
  const files = parts.filter((p) => p.name === JAR_FILE_FIELD);
  const [file] = files;
  if (file === undefined) {
    const names = parts.map((p) => `'${p.name}'`).join(', ');
    throw badRequest(
      `the upload has no '${JAR_FILE_FIELD}' part` +
        (names === '' ? '' : ` (got ${names})`) +
        `; send the bundle as multipart/form-data file field '${JAR_FILE_FIELD}'`,
    );
  }
  if (files.length > 1)
    throw badRequest(`exactly 1 '${JAR_FILE_FIELD}' part must be sent, got ${files.length}`);
  if (file.filename === undefined) {
    throw badRequest(`the '${JAR_FILE_FIELD}' part must be a file (Content-Disposition needs a filename)`);
  }
  if (file.data.length === 0) throw badRequest(`the uploaded file '${file.filename}' is empty`);
  return { ...file, filename: file.filename };
}

/** The base name of the client's file name; directories in it are ignored, never trusted. */
function uploadedFileName(part: { readonly filename: string }): string {
  const name = part.filename.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  if (name === '' || name === '.' || name === '..' || /[\u0000-\u001f\u007f]/.test(name)) {
    throw badRequest(`'${part.filename}' is not a usable file name`);
  }
  return name;
}
