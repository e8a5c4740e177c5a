// The review model, shared by the browser and the server: pure Yjs, no DOM or Node.
// See README "Reviewing AI changes" for the data it reads and writes.
export { authorOf, authorship, lineAuthorship, type Author, type AuthorSpan, type LineAuthorship } from './authorship.ts';
export { aiClientsOf, computeHunk, groupByRun, hunkStates, pendingHunks, type GhostBlock, type HunkFilter, type HunkState, type RunGroup, type Span } from './hunks.ts';
export { planReject, type RejectPlan } from './plan.ts';
export { applyReview, findHunk, selectHunks, ReviewError, type ReviewRequest, type ReviewResult } from './actions.ts';
export { readLog, reviewLogOf, REVIEW_LOG_KEY, MAX_LOG_ENTRIES, type ReviewAction, type ReviewBy, type ReviewLogEntry, type ReviewStep } from './reviewLog.ts';
export { captureHunkItems, clocksAsOf, clocksBefore } from './record.ts';
export { clientRuns, indexOfId, itemsIn, visibleItems, visibleSpans } from './items.ts';
