<?php
// php comment.php SITE_DIR URL POST_ID AUTHOR TEXT: add an approved comment by a visitor to
// the post; print its id.
define('ABSPATH', rtrim($argv[1], '/') . '/');
$parts = parse_url($argv[2]);
$_SERVER['HTTP_HOST'] = $parts['host'] . ':' . $parts['port'];
$_SERVER['REQUEST_URI'] = '/';
require ABSPATH . 'wp-load.php';
echo wp_insert_comment(wp_slash(array(
    'comment_post_ID' => (int) $argv[3], 'comment_author' => $argv[4],
    'comment_author_email' => strtolower($argv[4]) . '@example.org', 'comment_content' => $argv[5],
    'comment_approved' => 1, 'comment_type' => 'comment', 'user_id' => 0,
)));
