import type { InputHTMLAttributes, ReactNode } from 'react';
import { useId } from 'react';
import { describeError } from '../api/client';

/** A labelled input; the hint and the error are tied to it for screen readers. */
export function Field({
  label,
  hint,
  error,
  ...input
}: { label: string; hint?: ReactNode; error?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={described.length ? described.join(' ') : undefined}
        {...input}
      />
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A new password: the server's rule as the hint, the browser's password manager invited to fill it. */
export function NewPasswordField({
  label = 'Password',
  value,
  onChange,
  error,
}: {
  label?: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) {
  return (
    <Field
      label={label}
      name="password"
      type="password"
      autoComplete="new-password"
      minLength={15}
      required
      value={value}
      onChange={(event) => onChange(event.target.value)}
      hint="At least 15 characters. A few unrelated words make a good one."
      error={error}
    />
  );
}

/** A secret the API answers once (an API key, a shared link): copy it now or never. */
export function ShownOnce({
  what,
  name,
  secret,
  testId,
}: {
  what: string;
  name: string;
  secret: string;
  testId: string;
}) {
  return (
    <div role="status" className="notice">
      <p>
        The {what} <strong>{name}</strong>. Copy it now: it is shown only this once.
      </p>
      <code className="secret" data-testid={testId}>
        {secret}
      </code>
      <button
        type="button"
        className="button secondary"
        onClick={() => void navigator.clipboard.writeText(secret)}
      >
        Copy
      </button>
    </div>
  );
}

/** What went wrong, said plainly, with a way to try again when there is one. */
export function ErrorNote({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="error-note" role="alert">
      <p>{describeError(error)}</p>
      {retry && (
        <button type="button" className="button secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

/** A page title that also names the browser tab. */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  document.title = `${title} · Trackveil`;
  return <h1>{children}</h1>;
}
