import { failureSuite } from './failureSuite.ts';

failureSuite('Responses over WebSocket', 'responses', 'websocket', 'responses-ws');
