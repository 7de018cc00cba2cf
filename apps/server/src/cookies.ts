import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionCookieWriter } from '@tweetstore/api';

export const SESSION_COOKIE = 'tweetstore_session';

/** A cookie's value; one that is not valid percent-encoding is no cookie (a client sent it: never a 500). */
export function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** HttpOnly, SameSite=Lax session cookie; Secure when the server is configured for HTTPS. */
export function sessionCookieWriter(res: ServerResponse, secure: boolean): SessionCookieWriter {
  const attributes = `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  return {
    set(token, expiresAt) {
      res.appendHeader('Set-Cookie', `${SESSION_COOKIE}=${token}; Expires=${expiresAt.toUTCString()}; ${attributes}`);
    },
    clear() {
      res.appendHeader('Set-Cookie', `${SESSION_COOKIE}=; Max-Age=0; ${attributes}`);
    },
  };
}

/** Bearer token from the Authorization header, else the session cookie. */
export function requestToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  return readCookie(req, SESSION_COOKIE);
}
