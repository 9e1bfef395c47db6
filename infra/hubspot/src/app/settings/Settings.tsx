import { hubspot } from '@hubspot/ui-extensions';
import { API_BASE_URL } from '../config';
import { createConnectionsApi } from '../lib/connections';
import { ConnectionsPage } from './ConnectionsPage';

// hubspot.fetch signs every request (X-HubSpot-Signature-v3) and appends portalId, which is how the
// backend knows the account: the page itself sends no ids but the realmId of the company it acts on.
const api = createConnectionsApi(API_BASE_URL, (url, options) => hubspot.fetch(url, options));

hubspot.extend<'settings'>(() => <ConnectionsPage api={api} />);
