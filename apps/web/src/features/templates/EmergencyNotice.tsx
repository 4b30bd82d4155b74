// On the new-change form when the type is emergency: what raising one means.
import { Alert } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'

export function EmergencyNotice() {
  return (
    <Alert color="red" icon={<IconAlertTriangle />} title="Emergency change" data-testid="emergency-notice">
      It goes straight to the ECAB. Say in "Why" what is broken and what it costs to wait: the justification is
      required. Where the approval policy allows break-fix, the on-call implementer may start before the ECAB approves;
      the approval is then due retroactively (within 24 hours unless the policy says otherwise), and every emergency
      change gets a post-implementation review.
    </Alert>
  )
}
