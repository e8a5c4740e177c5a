import { failureSuite } from '../../../testing/providerFailureSuite.ts';

failureSuite('Responses over WebSocket', 'responses', 'websocket', 'responses-ws');
