import { failureSuite } from './failureSuite.ts';

failureSuite('Responses over HTTP SSE', 'responses', 'http', 'responses-http');
