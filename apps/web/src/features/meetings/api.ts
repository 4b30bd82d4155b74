// CAB meetings: the list, scheduling, a meeting with its agenda, attendance, decisions and closing.
import {
  CabMeetingBody,
  CabMeetingList,
  CabMeetingView,
  MeetingAttendanceBody,
  MeetingCandidates,
  MeetingDecisionBody,
  MeetingDecisionResult,
  MeetingStartBody,
  VersionBody,
} from '@cabinet/contracts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { apiRequest } from '../../lib/api-client'
import { approvalKeys } from '../approvals/api'
import { changeKeys } from '../changes/api'

export const meetingKeys = {
  all: ['meetings'] as const,
  list: () => [...meetingKeys.all, 'list'] as const,
  candidates: () => [...meetingKeys.all, 'candidates'] as const,
  detail: (id: string) => [...meetingKeys.all, 'detail', id] as const,
}

const path = (id: string, rest = '') => `/cab/meetings/${encodeURIComponent(id)}${rest}`

/** Where the browser downloads a meeting's minutes (a plain link: the API sends it as an attachment). */
export const minutesUrl = (id: string) => `/api/v1${path(id, '/minutes.md')}`

export function useMeetings() {
  return useQuery({
    queryKey: meetingKeys.list(),
    queryFn: ({ signal }) => apiRequest('GET', '/cab/meetings', CabMeetingList, { signal }),
  })
}

export function useMeetingCandidates(enabled: boolean) {
  return useQuery({
    queryKey: meetingKeys.candidates(),
    queryFn: ({ signal }) => apiRequest('GET', '/cab/meeting-candidates', MeetingCandidates, { signal }),
    enabled,
  })
}

export function useMeeting(id: string) {
  return useQuery({
    queryKey: meetingKeys.detail(id),
    queryFn: ({ signal }) => apiRequest('GET', path(id), CabMeetingView, { signal }),
  })
}

function useMeetingWrite<Input>(write: (input: Input) => Promise<CabMeetingView>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: write,
    onSuccess: async (meeting) => {
      queryClient.setQueryData(meetingKeys.detail(meeting.id), meeting)
      await queryClient.invalidateQueries({ queryKey: meetingKeys.list() })
    },
  })
}

export function useScheduleMeeting() {
  return useMeetingWrite((body: CabMeetingBody) =>
    apiRequest('POST', '/cab/meetings', CabMeetingView, { body: { schema: CabMeetingBody, value: body } }),
  )
}

export function useRefreshAgenda(id: string) {
  return useMeetingWrite((version: number) =>
    apiRequest('POST', path(id, '/agenda/refresh'), CabMeetingView, {
      body: { schema: VersionBody, value: { version } },
    }),
  )
}

export function useStartMeeting(id: string) {
  return useMeetingWrite((body: { version: number; presentUserIds?: string[] }) =>
    apiRequest('POST', path(id, '/start'), CabMeetingView, { body: { schema: MeetingStartBody, value: body } }),
  )
}

export function useRecordAttendance(id: string) {
  return useMeetingWrite((body: { version: number; presentUserIds: string[] }) =>
    apiRequest('PUT', path(id, '/attendance'), CabMeetingView, {
      body: { schema: MeetingAttendanceBody, value: body },
    }),
  )
}

export function useCloseMeeting(id: string) {
  return useMeetingWrite((version: number) =>
    apiRequest('POST', path(id, '/close'), CabMeetingView, { body: { schema: VersionBody, value: { version } } }),
  )
}

/** A decision moves approvals and maybe the change: refetch what shows them. */
export function useRecordDecision(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ itemId, body }: { itemId: string; body: MeetingDecisionBody }) =>
      apiRequest('POST', path(id, `/items/${encodeURIComponent(itemId)}/decisions`), MeetingDecisionResult, {
        body: { schema: MeetingDecisionBody, value: body },
      }),
    onSuccess: async (result) => {
      queryClient.setQueryData(meetingKeys.detail(id), result.meeting)
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: approvalKeys.all }),
        queryClient.invalidateQueries({ queryKey: changeKeys.all }),
      ])
    },
  })
}
