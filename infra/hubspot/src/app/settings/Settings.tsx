import { hubspot } from '@hubspot/ui-extensions';
import { API_BASE_URL } from '@hubspot-quickbooks/shared/config';
import { createConnectionsApi } from '@hubspot-quickbooks/shared/connections';
import { createSyncSettingsApi } from '@hubspot-quickbooks/shared/syncSettings';
import { createWorkflowSettingsApi } from '@hubspot-quickbooks/shared/workflowSettings';
import { ConnectionsPage } from './ConnectionsPage';

// hubspot.fetch signs every request (X-HubSpot-Signature-v3) and appends portalId, which is how the
// backend knows the account: the page itself sends no ids but the realmId of the company it acts on.
const signedFetch = (url: string, options: Parameters<typeof hubspot.fetch>[1]) => hubspot.fetch(url, options);
const api = createConnectionsApi(API_BASE_URL, signedFetch);
const workflowSettings = createWorkflowSettingsApi(API_BASE_URL, signedFetch);
const syncSettings = createSyncSettingsApi(API_BASE_URL, signedFetch);

hubspot.extend<'settings'>(() => <ConnectionsPage api={api} workflowSettings={workflowSettings} syncSettings={syncSettings} />);
