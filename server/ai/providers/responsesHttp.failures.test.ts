import { failureSuite } from '../../../testing/providerFailureSuite.ts';

failureSuite('Responses over HTTP SSE', 'responses', 'http', 'responses-http');
