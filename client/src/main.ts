import './assets/main.css';

import { createApp } from 'vue';
import { createWebHistory } from 'vue-router';

import App from './App.vue';
import { createAppRouter, stripFacebookHash } from './router';

// Before the router reads the URL.
stripFacebookHash();

const router = createAppRouter(createWebHistory(import.meta.env.BASE_URL));

createApp(App).use(router).mount('#app');
