// Loaded before Bootstrap Italia's bundle. Its video player (video.js) would otherwise inject an
// inline <style> on every page, which the Content-Security-Policy blocks; the portal shows no
// video, and Bootstrap Italia's style sheet already carries the player's rules.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
