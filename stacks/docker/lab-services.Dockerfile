# The lab's own services (auth, profile) as one image; the runtime picks the entry point.
# authlab builds it through the engine from the package as installed: compiled dist/src,
# package.json and the production node_modules, so the build needs no network.
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}

WORKDIR /opt/authlab
COPY package.json ./
COPY node_modules ./node_modules
COPY dist/src ./dist/src

ENV NODE_ENV=production TZ=UTC
# The uid of the node user in the official image; the files stay root-owned and read-only.
USER 1000:1000
ENTRYPOINT ["node"]
CMD ["dist/src/services/auth/main.js"]
