// Shown for any address the console does not know.
import { Button } from '@mantine/core'
import { Link } from 'react-router'
import { EmptyResult } from '../components/StatusViews'

export function NotFoundPage() {
  return (
    <EmptyResult
      title="Page not found"
      description="There is nothing at this address."
      action={
        <Button component={Link} to="/changes" variant="light">
          Go to changes
        </Button>
      }
    />
  )
}
