/**
 * A form field: label (required mark), the control, a hint, and the error text right under it (Chinese,
 * `role="alert"`, linked by aria-describedby) — where every input error of the console is shown.
 */
import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';

export interface ControlAria {
  id: string;
  /** id of the field's label (for groups: aria-labelledby) */
  labelId: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
}

export interface FieldProps {
  label: ReactNode;
  required?: boolean;
  hint?: ReactNode;
  error?: string | null;
  /**
   * a single control (input/select/textarea) gets id + aria wiring; or a function given those props (for a
   * control inside a wrapper, e.g. an input with its suggestion list)
   */
  children: ReactNode | ((aria: ControlAria) => ReactNode);
  className?: string;
  /** data-field attribute (tests and error focusing find the field by it) */
  name?: string;
}

export function Field({ label, required, hint, error, children, className, name }: FieldProps) {
  const id = useId();
  const errId = `${id}-err`;
  const aria: ControlAria = {
    id,
    labelId: `${id}-label`,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errId : undefined,
  };
  const control =
    typeof children === 'function'
      ? children(aria)
      : isValidElement(children)
        ? cloneElement(children as ReactElement<Record<string, unknown>>, {
            id,
            'aria-invalid': aria['aria-invalid'],
            'aria-describedby': aria['aria-describedby'],
          })
        : children;
  return (
    <div className={`field ${error ? 'field-invalid' : ''} ${className ?? ''}`} data-field={name}>
      <label htmlFor={id} id={`${id}-label`} className="field-label">
        {label}
        {required && (
          <span className="required" aria-label="必填">
            *
          </span>
        )}
      </label>
      {control}
      {hint && !error && <div className="field-hint">{hint}</div>}
      {error && (
        <div className="field-error" id={errId} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/** A message box (errors not tied to one field, notices). */
export function Notice({ tone = 'info', children }: { tone?: 'info' | 'error' | 'success' | 'warning'; children: ReactNode }) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'pass' | 'restrict' | 'deny' | 'info' | 'warn';
  children: ReactNode;
}) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
