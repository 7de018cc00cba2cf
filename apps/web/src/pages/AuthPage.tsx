import { useId, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { useResetClients } from '../providers.tsx';
import { trpc } from '../trpc.ts';
import { errorCode, ErrorMessage, useRetryWait } from '../ui/ErrorMessage.tsx';
import { usePageTitle } from '../ui/usePageTitle.ts';

/** Sign in or sign up. The server answers with an HttpOnly session cookie, so the session survives a reload. */
export function AuthPage({ mode }: { mode: 'signin' | 'signup' }) {
  const id = useId();
  const [, navigate] = useLocation();
  const reset = useResetClients();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const done = () => {
    reset();
    navigate('/');
  };
  const login = trpc.auth.login.useMutation({ onSuccess: done });
  const register = trpc.auth.register.useMutation({ onSuccess: done });
  const pending = login.isPending || register.isPending;
  const error = login.error ?? register.error;
  // Too many sign-ins or sign-ups: the button waits until the server's wait is over (the alert counts it down).
  const refused = useRetryWait(error);
  const shownError = error && !refused.over ? error : null;
  const signup = mode === 'signup';
  usePageTitle(signup ? 'Sign up' : 'Sign in');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (signup) register.mutate({ username, password, displayName: displayName.trim() || undefined });
    else login.mutate({ username, password });
  };

  return (
    <section className="card auth">
      <h1>{signup ? 'Create your account' : 'Sign in'}</h1>
      <form onSubmit={submit} className="form" aria-describedby={shownError ? `${id}-error` : undefined}>
        <label htmlFor={`${id}-username`}>Username</label>
        <input
          id={`${id}-username`}
          name="username"
          autoComplete="username"
          required
          maxLength={15}
          pattern="[A-Za-z0-9_]{1,15}"
          title="1 to 15 letters, digits or underscores"
          value={username}
          onChange={(e) => {
            setUsername(e.target.value);
            // "username … is taken" is about the name just replaced; a wait the server asked for still holds.
            if (errorCode(register.error) === 'CONFLICT') register.reset();
          }}
        />
        {signup && (
          <>
            <label htmlFor={`${id}-display`}>Display name (optional)</label>
            <input id={`${id}-display`} name="displayName" autoComplete="name" maxLength={50} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </>
        )}
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete={signup ? 'new-password' : 'current-password'}
          required
          minLength={signup ? 8 : 1}
          maxLength={256}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {shownError && (
          <div id={`${id}-error`}>
            <ErrorMessage error={shownError} />
          </div>
        )}
        <button type="submit" className="button primary" disabled={pending || refused.waiting}>
          {pending ? 'Please wait…' : signup ? 'Sign up' : 'Sign in'}
        </button>
      </form>
      <p className="muted">
        {signup ? (
          <>
            Have an account? <Link href="/signin">Sign in</Link>
          </>
        ) : (
          <>
            New here? <Link href="/signup">Create an account</Link>
          </>
        )}
      </p>
    </section>
  );
}
