import { parseDate } from './date.js';
import { type OperatorSet, parsedValues, thresholdPredicate } from './operator.js';

/** `before` and `after` (docs/evaluation.md §5.2). */
export const dateOperators: OperatorSet = {
  before: (values, path) =>
    thresholdPredicate('lt', parsedValues(values, path, 'date', parseDate), parseDate),
  after: (values, path) => thresholdPredicate('gt', parsedValues(values, path, 'date', parseDate), parseDate),
};
