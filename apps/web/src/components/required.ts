// Required inputs without Mantine's in-label asterisk. That asterisk is a child of <label>, so the
// label's text becomes "Title *" and exact label lookups (Playwright's getByLabel, some assistive
// tools) miss the field. The input keeps `required`; app/global.css draws the asterisk instead.
export const requiredInput = {
  required: true,
  withAsterisk: false,
  labelProps: { 'data-required': true },
} as const
