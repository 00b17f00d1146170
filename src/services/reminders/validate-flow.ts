// The rules a reminder flow must keep; every error names the step it is about.
import { DebtorType } from '../../entities/Debtor';
import { DebtorScope, ReminderAction } from '../../entities/ReminderStep';
import type { ReminderStepSpec } from '../../domain/default-reminder-flow';
import { badInput } from '../../schema/errors';
import { FIXED_PHASE_KEYS } from '../ledger/phases';
import { assertKnownPlaceholders } from '../messages/placeholders';
import { REMINDER_PLACEHOLDERS } from './reminder-placeholders';

export const MAX_STEPS = 20;
const KEY = /^[A-Z][A-Z0-9_]{0,39}$/;
/** Private debtors: a case only after a 14-day letter whose term (15 days from sending, see README) has run. */
export const LETTER_TO_CASE_MIN_DAYS = 15;

const stepName = (step: ReminderStepSpec, index: number) => `step ${index + 1} (${step.key || 'no key'})`;

/** The steps that apply to a debtor of this type, in flow order. */
export function stepsFor<T extends Pick<ReminderStepSpec, 'appliesTo'>>(steps: readonly T[], type: DebtorType): T[] {
  return steps.filter((s) => s.appliesTo === DebtorScope.ALL || (s.appliesTo as string) === (type as string));
}

export function validateFlow(steps: readonly ReminderStepSpec[]): void {
  if (steps.length > MAX_STEPS) throw badInput(`A flow has at most ${MAX_STEPS} steps`, 'steps');
  const keys = new Set<string>();
  steps.forEach((step, index) => {
    const name = stepName(step, index);
    if (!KEY.test(step.key)) throw badInput(`${name}: key must be 1 to 40 capitals, digits or _ and start with a letter`, `steps.${index}.key`);
    // A phase of its own (not a step's) may not be a step's key.
    if (FIXED_PHASE_KEYS.has(step.key)) throw badInput(`${name}: ${step.key} is the name of a phase; choose another key`, `steps.${index}.key`);
    if (keys.has(step.key)) throw badInput(`${name}: the key ${step.key} is used twice`, `steps.${index}.key`);
    keys.add(step.key);
    if (!step.name.trim() || step.name.length > 100) throw badInput(`${name}: name must be 1 to 100 characters`, `steps.${index}.name`);
    if (!Number.isInteger(step.daysAfterDue) || Math.abs(step.daysAfterDue) > 3650) {
      throw badInput(`${name}: daysAfterDue must be a whole number of days within ten years`, `steps.${index}.daysAfterDue`);
    }
    if (!step.subject.trim() || step.subject.length > 300) throw badInput(`${name}: subject must be 1 to 300 characters`, `steps.${index}.subject`);
    if (!step.body.trim() || step.body.length > 20_000) throw badInput(`${name}: body must be 1 to 20000 characters`, `steps.${index}.body`);
    if (step.action === ReminderAction.FOURTEEN_DAY_LETTER && step.appliesTo === DebtorScope.BUSINESS) {
      throw badInput(`${name}: the 14-day letter is for private debtors; it cannot apply to BUSINESS only`, `steps.${index}.appliesTo`);
    }
    assertKnownPlaceholders(step.subject, `steps.${index}.subject`, REMINDER_PLACEHOLDERS);
    assertKnownPlaceholders(step.body, `steps.${index}.body`, REMINDER_PLACEHOLDERS);
  });
  for (const type of [DebtorType.BUSINESS, DebtorType.PRIVATE]) {
    const sequence = stepsFor(steps, type);
    for (let i = 1; i < sequence.length; i += 1) {
      if (sequence[i].daysAfterDue <= sequence[i - 1].daysAfterDue) {
        const index = steps.indexOf(sequence[i]);
        throw badInput(
          `${stepName(sequence[i], index)}: for ${type.toLowerCase()} debtors its days (${sequence[i].daysAfterDue}) must come after ${sequence[i - 1].key} (${sequence[i - 1].daysAfterDue})`,
          `steps.${index}.daysAfterDue`,
        );
      }
    }
  }
  const privateSteps = stepsFor(steps, DebtorType.PRIVATE);
  privateSteps.forEach((step) => {
    if (step.action !== ReminderAction.OPEN_CASE) return;
    const index = steps.indexOf(step);
    const letter = privateSteps.find((s) => s.action === ReminderAction.FOURTEEN_DAY_LETTER && s.daysAfterDue <= step.daysAfterDue - LETTER_TO_CASE_MIN_DAYS);
    if (!letter) {
      throw badInput(
        `${stepName(step, index)}: for private debtors a case may only be opened after a FOURTEEN_DAY_LETTER step at least ${LETTER_TO_CASE_MIN_DAYS} days earlier`,
        `steps.${index}.action`,
      );
    }
  });
}
