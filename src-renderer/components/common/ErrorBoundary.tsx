/** Keeps one pane's rendering bug inside that pane, told in a sentence (no trace). */
import { Component, type ReactNode } from 'react';
import { ErrorNotice } from './ErrorNotice';

interface Props {
  children: ReactNode;
  /** Changing it clears the error (e.g. the selection changed). */
  resetKey?: string;
}

interface State {
  error: unknown;
  resetKey: string | undefined;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: undefined, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.resetKey ? { error: undefined, resetKey: props.resetKey } : null;
  }

  override render() {
    if (this.state.error !== undefined) {
      return <ErrorNotice error={this.state.error} onRetry={() => this.setState({ error: undefined })} />;
    }
    return this.props.children;
  }
}
