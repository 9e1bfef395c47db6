// What the create wizard's steps share: how they change the wizard's state and show a field's error.
import type { DocumentType, Draft } from '@hubspot-quickbooks/shared/card';
import type { WizardState } from '@hubspot-quickbooks/shared/wizard';

export type SetState = (update: (current: WizardState) => WizardState) => void;

/** The error props of the field `name` (`error`, `validationMessage`), from the errors shown so far. */
export type FieldErrorProps = (name: string) => { error: boolean; validationMessage: string | undefined };

/** What the steps after the company's take: the loaded draft and the form. */
export interface StepProps {
  draft: Draft;
  state: WizardState;
  setState: SetState;
  fieldError: FieldErrorProps;
}

export const DATE_LABELS: Record<DocumentType, string> = {
  invoice: 'Invoice date',
  estimate: 'Estimate date',
  sales_receipt: 'Sales receipt date',
};

/** The first of each id, in order: a chosen record and search results may hold the same one. */
export function unique<T extends { id: string }>(values: T[]): T[] {
  const seen = new Set<string>();
  return values.filter((value) => (seen.has(value.id) ? false : (seen.add(value.id), true)));
}
