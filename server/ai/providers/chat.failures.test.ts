import { failureSuite } from './failureSuite.ts';

failureSuite('Chat Completions', 'chat', 'http', 'chat-completions');
