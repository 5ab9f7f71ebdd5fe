import { request as httpRequest } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Record<string, unknown>;
}

/**
 * A POST over raw node:http, so the test controls bytes and headers exactly (numbers JSON.stringify
 * cannot write, headers fetch would refuse). Every answer of the API has a JSON body: one without is
 * a failure, not an empty body.
 */
export function postRaw(baseUrl: string, path: string, payload: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body: JSON.parse(text) });
        } catch {
          reject(new Error(`status ${res.statusCode} with a body that is not JSON: ${JSON.stringify(text.slice(0, 200))}`));
        }
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
