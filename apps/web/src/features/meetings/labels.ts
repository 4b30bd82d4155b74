// Words and permissions for the meeting screens.
import type { CabMeetingStatus, MeetingItemView, UserView } from '@cabinet/contracts'

export const meetingStatusLabels: Record<CabMeetingStatus, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  closed: 'Closed',
}

export const meetingStatusColors: Record<CabMeetingStatus, string> = {
  scheduled: 'blue',
  in_progress: 'orange',
  closed: 'gray',
}

export const outcomeLabels: Record<MeetingItemView['outcome'], string> = {
  awaiting: 'Awaiting authorization',
  authorized: 'Authorized',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
}

/** The roles the API lets schedule and run a meeting. */
export function canRunMeetings(user: UserView | null | undefined): boolean {
  return user?.roles.some((role) => role === 'change_manager' || role === 'admin') ?? false
}
