// jsdom does not implement scrolling; the router's scrollBehavior calls it.
if (typeof window !== 'undefined') window.scrollTo = () => {};
