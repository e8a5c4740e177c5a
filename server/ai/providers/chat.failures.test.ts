import { failureSuite } from '../../../testing/providerFailureSuite.ts';

failureSuite('Chat Completions', 'chat', 'http', 'chat-completions');
