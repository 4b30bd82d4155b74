// Providers and routes of the console. Every route sits behind the auth guard.
import { MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { QueryClientProvider } from '@tanstack/react-query'
import { useState } from 'react'
import { BrowserRouter, Navigate, Route, Routes } from 'react-router'
import { AuditPage } from '../features/audit/AuditPage'
import { CabQueuePage } from '../features/approvals/CabQueuePage'
import { MeetingPage } from '../features/meetings/MeetingPage'
import { MeetingsPage } from '../features/meetings/MeetingsPage'
import { PoliciesPage } from '../features/approvals/PoliciesPage'
import { ChangeDetailPage } from '../features/changes/ChangeDetailPage'
import { ChangesListPage } from '../features/changes/ChangesListPage'
import { EditChangePage } from '../features/changes/EditChangePage'
import { NewChangePage } from '../features/changes/NewChangePage'
import { DriftListPage } from '../features/fleet/DriftListPage'
import { FleetPage } from '../features/fleet/FleetPage'
import { NodeDetailPage } from '../features/fleet/NodeDetailPage'
import { KpisPage } from '../features/kpis/KpisPage'
import { ReviewsPage } from '../features/reviews/ReviewsPage'
import { CalendarPage } from '../features/schedule/CalendarPage'
import { RulesPage } from '../features/schedule/RulesPage'
import { TemplatesPage } from '../features/templates/TemplatesPage'
import { WebhooksPage } from '../features/webhooks/WebhooksPage'
import { AppLayout } from './AppLayout'
import { AuthGuard } from './AuthGuard'
import { NotFoundPage } from './NotFoundPage'
import { createQueryClient } from './query-client'
import { theme } from './theme'

export function App() {
  // Created once per mounted app, so tests or hot reloads never share a cache.
  const [queryClient] = useState(createQueryClient)
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <AuthGuard>
            <Routes>
              <Route element={<AppLayout />}>
                <Route index element={<Navigate to="/changes" replace />} />
                <Route path="changes" element={<ChangesListPage />} />
                <Route path="changes/new" element={<NewChangePage />} />
                <Route path="changes/:ref" element={<ChangeDetailPage />} />
                <Route path="changes/:ref/edit" element={<EditChangePage />} />
                <Route path="fleet" element={<FleetPage />} />
                <Route path="cab" element={<CabQueuePage />} />
                <Route path="cab/policies" element={<PoliciesPage />} />
                <Route path="templates" element={<TemplatesPage />} />
                <Route path="cab/meetings" element={<MeetingsPage />} />
                <Route path="cab/meetings/:id" element={<MeetingPage />} />
                <Route path="fleet/nodes/:id" element={<NodeDetailPage />} />
                <Route path="fleet/drift" element={<DriftListPage />} />
                <Route path="audit" element={<AuditPage />} />
                <Route path="webhooks" element={<WebhooksPage />} />
                <Route path="kpis" element={<KpisPage />} />
                <Route path="reviews" element={<ReviewsPage />} />
                <Route path="calendar" element={<CalendarPage />} />
                <Route path="calendar/rules" element={<RulesPage />} />
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </AuthGuard>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  )
}
