import { HomeScreen } from '@/components/home/HomeScreen.tsx';

export default function Home() {
  return <HomeScreen />;
}
