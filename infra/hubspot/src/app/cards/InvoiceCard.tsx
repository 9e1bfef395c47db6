import { hubspot } from '@hubspot/ui-extensions';
import { API_BASE_URL } from '@hubspot-quickbooks/shared/config';
import { createCardApi, objectTypeFromId } from '@hubspot-quickbooks/shared/card';
import { InvoiceCardView } from './InvoiceCardView';

// hubspot.fetch signs every request (X-HubSpot-Signature-v3) and appends portalId. It does not add the record,
// so the card sends the object type and id itself (HubSpot context.crm), as API.md expects.
const api = createCardApi(API_BASE_URL, (url, options) => hubspot.fetch(url, options));

hubspot.extend<'crm.record.tab'>(({ context }) => (
  <InvoiceCardView
    api={api}
    objectType={objectTypeFromId(context.crm.objectTypeId)}
    objectId={String(context.crm.objectId)}
  />
));
