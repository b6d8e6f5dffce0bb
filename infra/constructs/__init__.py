"""One construct per pipeline stage, composed by :class:`infra.stack.NewsroomStack`."""
