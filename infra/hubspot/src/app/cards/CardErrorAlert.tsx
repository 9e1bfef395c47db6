import type { ReactNode } from 'react';
import { Alert, Text } from '@hubspot/ui-extensions';
import { CardApiError } from '@hubspot-quickbooks/shared/card';

const TITLES: Record<string, string> = {
  reconnect_needed: 'QuickBooks needs to be reconnected',
  tax_code_required: 'A tax code is missing',
  customer_missing_email: 'The customer has no e-mail address',
  item_not_found: 'A product or service was not found in QuickBooks',
  duplicate_doc_number: 'That document number is already used',
  throttled: 'QuickBooks is busy',
  busy: 'Still working on it',
  rejected: 'QuickBooks refused the document',
  hubspot_access_denied: 'HubSpot refused the app access',
  hubspot_not_found: 'A HubSpot record is missing',
  hubspot_rejected: 'HubSpot refused a request',
  bad_request: 'The request was not accepted',
  not_found: 'Not found',
  unknown_portal: 'This HubSpot account is not installed',
  upstream: 'QuickBooks did not answer as expected',
  network: "The integration's API cannot be reached",
};

// What to do next, where the backend's message alone does not say it.
const HINTS: Record<string, string> = {
  reconnect_needed:
    "The company's QuickBooks authorization has expired or was revoked. An admin can reconnect it in this app's settings (Connected apps → QuickBooks Online → Settings).",
  throttled: 'Nothing was created. Try again in a minute.',
  busy: 'The same request is still running. Try again in a few seconds; it will not be created twice.',
  unknown_portal: "Reinstall the app from your deployment's HubSpot install link, then reload this page.",
};

/** Turns anything caught into a CardApiError, so the card always shows a code-specific title and a message. */
export function asCardError(caught: unknown): CardApiError {
  if (caught instanceof CardApiError) return caught;
  return new CardApiError('internal', caught instanceof Error ? caught.message : String(caught), null);
}

export function errorTitle(code: string): string {
  return TITLES[code] ?? 'Something went wrong';
}

export function CardErrorAlert({ error, children, testId }: { error: CardApiError; children?: ReactNode; testId?: string }) {
  const hint = HINTS[error.code];
  return (
    <Alert title={errorTitle(error.code)} variant="error" testId={testId}>
      <Text>{error.message}</Text>
      {hint && <Text>{hint}</Text>}
      {children}
    </Alert>
  );
}
