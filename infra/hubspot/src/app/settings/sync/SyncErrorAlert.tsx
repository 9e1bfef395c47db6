import type { ReactNode } from 'react';
import { Alert, Button, Text } from '@hubspot/ui-extensions';
import type { ConnectionsApiError } from '@hubspot-quickbooks/shared/connections';

const TITLES: Record<string, string> = {
  conflict: 'Someone else saved these settings',
  invalid_mapping: 'A mapping was refused',
  bad_request: 'The settings were not accepted',
  not_found: 'This company is no longer connected',
  unauthorized: "The integration's API refused HubSpot's request",
  network: "The integration's API cannot be reached",
  unexpected_response: "The integration's API answered something this page does not understand",
};

interface Props {
  error: ConnectionsApiError;
  /** What failed, for errors without a title of their own, e.g. "The sync settings could not be saved". */
  fallbackTitle: string;
  /** Reads the settings again: offered on a conflict, where it is the only way forward. */
  onReload?: () => void;
  testId?: string;
  children?: ReactNode;
}

/** A failed request of the sync settings, with the backend's message and, on a conflict, a reload. */
export function SyncErrorAlert({ error, fallbackTitle, onReload, testId, children }: Props) {
  const conflict = error.code === 'conflict';
  return (
    <Alert title={TITLES[error.code] ?? fallbackTitle} variant="error" testId={testId}>
      <Text>{error.message}</Text>
      {conflict && (
        <Text>Your changes were not saved. Reload to see the settings as they are now, then make your changes again.</Text>
      )}
      {conflict && onReload && (
        <Button variant="primary" onClick={onReload}>
          Reload the settings
        </Button>
      )}
      {children}
    </Alert>
  );
}
