import { printSummary, resetSummary } from './lib/summary.js';

/** A fresh summary per run, printed once every suite has finished. */
export default function setup(): () => void {
  resetSummary();
  return () => printSummary();
}
